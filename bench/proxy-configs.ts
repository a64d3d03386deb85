/** A myapp pod as the benchmark's reference proxies address it. */
export interface UpstreamAddress {
  readonly ip: string;
  readonly port: number;
}

/** HAProxy on one thread, round robin over the pods, with server-side keep-alive like Envoy's pools. */
export function renderHaproxyConfig(listenPort: number, upstreams: readonly UpstreamAddress[]): string {
  const servers = upstreams
    .map((upstream, index) => `  server pod${index} ${upstream.ip}:${upstream.port}`)
    .join('\n');
  return `global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
frontend lbbench
  bind 127.0.0.1:${listenPort}
  default_backend myapp
backend myapp
  balance roundrobin
  http-reuse always
${servers}
`;
}

/** nginx as a reverse proxy with one worker and upstream keep-alive. */
export function renderNginxProxyConfig(options: {
  readonly listenPort: number;
  readonly upstreams: readonly UpstreamAddress[];
  readonly directory: string;
}): string {
  const servers = options.upstreams
    .map((upstream) => `    server ${upstream.ip}:${upstream.port};`)
    .join('\n');
  const temp = (name: string): string => `${options.directory}/${name}`;
  return `daemon off;
master_process off;
worker_processes 1;
pid ${temp('nginx.pid')};
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  keepalive_requests 1000000000;
  upstream myapp {
${servers}
    keepalive 64;
    keepalive_requests 1000000000;
  }
  server {
    listen 127.0.0.1:${options.listenPort};
    location / {
      proxy_pass http://myapp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host myapp;
    }
  }
}
`;
}

/** lbbench-proxy in Envoy's v2 shape: one listener, round robin over the pods as a STATIC cluster. */
export function renderLbbenchProxyConfig(
  listenPort: number,
  adminPort: number,
  upstreams: readonly UpstreamAddress[],
): string {
  const hosts = upstreams
    .map((upstream) => `{ socket_address: { address: ${upstream.ip}, port_value: ${upstream.port} } }`)
    .join(', ');
  return `admin:
  access_log_path: /dev/null
  address: { socket_address: { address: 127.0.0.1, port_value: ${adminPort} } }
static_resources:
  listeners:
  - name: listener_0
    address: { socket_address: { address: 127.0.0.1, port_value: ${listenPort} } }
    filter_chains:
    - filters:
      - name: envoy.http_connection_manager
        config:
          stat_prefix: ingress_http
          route_config:
            name: local_route
            virtual_hosts:
            - name: local_service
              domains: ["*"]
              routes:
              - match: { prefix: "/" }
                route: { host_rewrite: myapp, cluster: myapp_cluster }
          http_filters:
          - name: envoy.router
  clusters:
  - name: myapp_cluster
    connect_timeout: 0.25s
    type: STATIC
    lb_policy: ROUND_ROBIN
    hosts: [${hosts}]
`;
}
