import { NGINX_INCLUDES } from '../other-proxies/nginx-balancer-config.js';

/** Where the nginx row's pod keeps the files its discovery loop rewrites (an emptyDir). */
export const NGINX_DISCOVERY_DIR = '/etc/nginx/lbbench';

/** The log line prefix of the upstream the pod starts with: `lbbench-discovery generation=1 servers=<ip>,<ip>`. */
export const NGINX_DISCOVERY_LOG_PREFIX = 'lbbench-discovery';

/**
 * The log line prefix of each reload:
 * `lbbench-reload generation=2 changed_at_ms=<ms> served_at_ms=<ms|none> servers=<ip>,<ip>` (see
 * `nginx-reload-log.ts`).
 */
export const NGINX_RELOAD_LOG_PREFIX = 'lbbench-reload';

/** How long the loop waits for the old config's workers to exit after a reload, in polls of 50 ms. */
export const NGINX_OLD_WORKERS_WAIT_MS = 30_000;
const OLD_WORKER_POLL_MS = 50;

/**
 * The nginx row's pod command on kind/kube (POSIX sh, run by the official image's /bin/sh, dash). nginx OSS resolves
 * an upstream server's name once, when it loads its config, so the pod re-resolves the headless Service itself every
 * `intervalS` through the cluster DNS (`getent ahostsv4`, which applies resolv.conf as every client in the pod
 * does). When the Ready pods' addresses change it rewrites the upstream's servers, bumps the generation, runs
 * `nginx -s reload` and waits until the workers of the old config have exited (until then they still accept new
 * connections on the shared listening socket; the master's children are read from /proc), then logs one
 * `lbbench-reload` line: `changed_at_ms` is the poll that first saw the new addresses, `served_at_ms` the moment
 * only new-config workers were left (`none` when they were not within {@link NGINX_OLD_WORKERS_WAIT_MS}), both epoch ms of the pod's clock.
 * Arguments: the Service name, the pods' port, the interval.
 */
export const NGINX_DISCOVERY_SCRIPT = `#!/bin/sh
set -u
name="$1"; port="$2"; interval_s="$3"; dir="${NGINX_DISCOVERY_DIR}"
resolve() { getent ahostsv4 "$name" | awk '{ print $1 }' | sort -u | tr '\\n' ' '; }
as_list() { printf '%s' "$1" | sed 's/ *$//; s/  */,/g'; }
now_ms() { date +%s%3N; }
write() {
  if [ -z "$2" ]; then
    echo "server 127.0.0.1:9 down;" > "$dir/${NGINX_INCLUDES.servers}.tmp"
  else
    for ip in $2; do echo "server $ip:$port;"; done > "$dir/${NGINX_INCLUDES.servers}.tmp"
  fi
  mv "$dir/${NGINX_INCLUDES.servers}.tmp" "$dir/${NGINX_INCLUDES.servers}"
  printf 'return 200 "%s\\\\n";\\n' "$1" > "$dir/${NGINX_INCLUDES.generation}"
}
workers() {
  for stat in /proc/[0-9]*/stat; do
    { read -r pid comm state ppid rest < "$stat"; } 2>/dev/null || continue
    [ "$ppid" = "$nginx_pid" ] && printf '%s ' "$pid"
  done
}
wait_for_exit() {
  polls=0
  while [ "$polls" -lt ${NGINX_OLD_WORKERS_WAIT_MS / OLD_WORKER_POLL_MS} ]; do
    alive=""
    for pid in $1; do kill -0 "$pid" 2>/dev/null && alive="$pid"; done
    if [ -z "$alive" ]; then now_ms; return; fi
    sleep ${OLD_WORKER_POLL_MS / 1000}
    polls=$((polls + 1))
  done
  echo none
}
generation=1
current="$(resolve)"
write "$generation" "$current"
echo "${NGINX_DISCOVERY_LOG_PREFIX} generation=$generation servers=$(as_list "$current")"
nginx -g 'daemon off;' &
nginx_pid=$!
trap 'kill -QUIT "$nginx_pid"; wait "$nginx_pid"; exit 0' TERM INT
while kill -0 "$nginx_pid" 2>/dev/null; do
  sleep "$interval_s"
  next="$(resolve)"
  if [ "$next" != "$current" ]; then
    changed_at_ms="$(now_ms)"
    generation=$((generation + 1))
    current="$next"
    write "$generation" "$current"
    old_workers="$(workers)"
    nginx -s reload
    served_at_ms="$(wait_for_exit "$old_workers")"
    echo "${NGINX_RELOAD_LOG_PREFIX} generation=$generation changed_at_ms=$changed_at_ms served_at_ms=$served_at_ms servers=$(as_list "$current")"
  fi
done
wait "$nginx_pid"
`;
