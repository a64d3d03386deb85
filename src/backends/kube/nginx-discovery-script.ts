import { NGINX_INCLUDES } from '../other-proxies/nginx-balancer-config.js';

/** Where the nginx row's pod keeps the files its discovery loop rewrites (an emptyDir). */
export const NGINX_DISCOVERY_DIR = '/etc/nginx/lbbench';

/** The log line prefix of each reload, e.g. `lbbench-reload generation=2 changed_at_ms=… servers=…`. */
export const NGINX_RELOAD_LOG_PREFIX = 'lbbench-reload';

/**
 * The nginx row's pod command on kind/kube (POSIX sh, run by the official image's /bin/sh). nginx OSS resolves an
 * upstream server's name once, when it loads its config, so the pod re-resolves the headless Service itself every
 * `intervalS` through the cluster DNS (`getent ahostsv4`, which applies resolv.conf as every client in the pod
 * does); when the Ready pods' addresses change it rewrites the upstream's servers, bumps the generation and runs
 * `nginx -s reload`, logging one `lbbench-reload` line. Arguments: the Service name, the pods' port, the interval.
 */
export const NGINX_DISCOVERY_SCRIPT = `#!/bin/sh
set -u
name="$1"; port="$2"; interval_s="$3"; dir="${NGINX_DISCOVERY_DIR}"
resolve() { getent ahostsv4 "$name" | awk '{ print $1 }' | sort -u | tr '\\n' ' '; }
write() {
  if [ -z "$2" ]; then
    echo "server 127.0.0.1:9 down;" > "$dir/${NGINX_INCLUDES.servers}.tmp"
  else
    for ip in $2; do echo "server $ip:$port;"; done > "$dir/${NGINX_INCLUDES.servers}.tmp"
  fi
  mv "$dir/${NGINX_INCLUDES.servers}.tmp" "$dir/${NGINX_INCLUDES.servers}"
  printf 'return 200 "%s\\\\n";\\n' "$1" > "$dir/${NGINX_INCLUDES.generation}"
}
generation=1
current="$(resolve)"
write "$generation" "$current"
echo "lbbench-discovery generation=$generation servers=$current"
nginx -g 'daemon off;' &
nginx_pid=$!
trap 'kill -QUIT "$nginx_pid"; wait "$nginx_pid"; exit 0' TERM INT
while kill -0 "$nginx_pid" 2>/dev/null; do
  sleep "$interval_s"
  next="$(resolve)"
  if [ "$next" != "$current" ]; then
    changed_at_ms="$(date +%s%3N)"
    generation=$((generation + 1))
    current="$next"
    write "$generation" "$current"
    nginx -s reload
    echo "${NGINX_RELOAD_LOG_PREFIX} generation=$generation changed_at_ms=$changed_at_ms servers=$current"
  fi
done
wait "$nginx_pid"
`;
