import { join } from 'node:path';

import { POD_HEADER } from './welcome-page.js';

/** Where and as whom one nginx pod runs. */
export interface NginxPodConfigInput {
  readonly podName: string;
  readonly ip: string;
  readonly port: number;
  /** The pod's own absolute directory: pid file, temp paths and `html/index.html` live there. */
  readonly podDir: string;
}

/** Path of the page nginx serves, inside the pod directory. */
export function getNginxDocumentRoot(podDir: string): string {
  return join(podDir, 'html');
}

/**
 * Renders a minimal nginx.conf for one pod: one process in the foreground (so killing its pid kills the pod),
 * no access log, every path answered with the welcome page plus `X-Upstream-Pod: <pod>`, and keep-alive limits
 * that never cut a benchmark connection.
 */
export function renderNginxConfig(input: NginxPodConfigInput): string {
  const dir = (name: string): string => quoteNginx(join(input.podDir, name));
  return `# lbbench local pod ${input.podName} (generated)
daemon off;
# One process: SIGKILL of this pid kills the whole pod, like a container's PID 1.
master_process off;
worker_processes 1;
pid ${dir('nginx.pid')};
error_log stderr warn;

events {
    worker_connections 4096;
}

http {
    access_log off;
    types { text/html html; }
    default_type application/octet-stream;
    client_body_temp_path ${dir('client_body_temp')};
    proxy_temp_path ${dir('proxy_temp')};
    fastcgi_temp_path ${dir('fastcgi_temp')};
    uwsgi_temp_path ${dir('uwsgi_temp')};
    scgi_temp_path ${dir('scgi_temp')};
    # nginx's default of 1000 (100 before 1.19.10) requests per connection would close the proxy's
    # upstream connections mid-run and show up as connection churn in the benchmark.
    keepalive_requests 1000000000;
    keepalive_timeout 75s;

    server {
        listen ${input.ip}:${input.port};
        server_name _;
        root ${quoteNginx(getNginxDocumentRoot(input.podDir))};

        location / {
            add_header ${POD_HEADER} ${quoteNginx(input.podName)} always;
            try_files $uri /index.html;
        }
    }
}
`;
}

/** Quotes a value for nginx.conf: double quotes, with `"` and `\` escaped (nginx has no escape for `$`). */
function quoteNginx(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
