#!/bin/sh
# Renders the proxy's Envoy-style config from its template and starts lbbench-proxy with it.
#
# Environment:
#   ENVOY_LB_ALG       lb_policy of the cluster: ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH or MAGLEV
#   SERVICE_NAME       DNS name of the upstream (headless) Service, e.g. myapp
#   ENVOY_CONCURRENCY  optional: number of workers, passed as --concurrency
#   ENVOY_TEMPLATE     template to render (default /tmpl/envoy.yaml.tmpl; /tmpl/envoy-v3.yaml.tmpl is the v3 form)
#   ENVOY_CONFIG       where to write the rendered config (default /etc/envoy.yaml)
#   LBBENCH_PROXY_BIN  the program to exec (default lbbench-proxy); tests point it at a stub
# Extra arguments are passed on to the proxy.
set -eu

template="${ENVOY_TEMPLATE:-/tmpl/envoy.yaml.tmpl}"
config="${ENVOY_CONFIG:-/etc/envoy.yaml}"
proxy="${LBBENCH_PROXY_BIN:-lbbench-proxy}"

log() {
  printf 'docker-entrypoint: %s\n' "$*"
}

if [ ! -r "$template" ]; then
  log "cannot read the template $template (set ENVOY_TEMPLATE to an existing file)" >&2
  exit 2
fi

# envsubst turns an unset variable into an empty string, which would silently change the config
# (an empty lb_policy, an empty address): refuse to start instead.
for name in ENVOY_LB_ALG SERVICE_NAME; do
  if grep -q "\${$name}" "$template" && [ -z "$(printenv "$name" || true)" ]; then
    log "environment variable $name is not set (or empty) but $template uses it" >&2
    exit 2
  fi
done

log "rendering $template -> $config with ENVOY_LB_ALG=${ENVOY_LB_ALG:-} SERVICE_NAME=${SERVICE_NAME:-}"
envsubst '$ENVOY_LB_ALG,$SERVICE_NAME' <"$template" >"$config"
log "rendered config:"
cat "$config"

if [ -n "${ENVOY_CONCURRENCY:-}" ]; then
  set -- --concurrency "$ENVOY_CONCURRENCY" "$@"
fi
set -- -c "$config" "$@"
log "exec $proxy $*"
exec "$proxy" "$@"
