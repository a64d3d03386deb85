import type { NginxPolicy } from '../../scenario/proxy-rows.js';

/** Everything {@link renderNginxBalancerConfig} needs. */
export interface NginxBalancerConfigInput {
  readonly policy: NginxPolicy;
  /** Bumped on every regeneration; the traffic server answers it at `/lbbench-generation` once it is live. */
  readonly generation: number;
  /** The Ready pods' `ip:port`, the upstream's servers. */
  readonly servers: readonly string[];
  readonly listen: { readonly host: string; readonly port: number };
  /** The status server: `stub_status` at `/nginx_status`. */
  readonly status: { readonly host: string; readonly port: number };
  /** The `Host` header sent to the pods, as the bundled proxy's `host_rewrite`. */
  readonly hostHeader: string;
  readonly workers: number;
  readonly connectTimeoutMs: number;
  /** Longest a request may wait for its response (the bundled proxy's route timeout). */
  readonly responseTimeoutMs: number;
  /** Longest an idle client or upstream keep-alive connection is kept. */
  readonly idleTimeoutMs: number;
  /**
   * Local backend: a folder for the pid file and temp paths (nginx's defaults are root's); undefined in the
   * official image, whose defaults work.
   */
  readonly runDir: string | undefined;
  /** Where the error log goes: a file, or `stderr` in a container. */
  readonly errorLog: string;
}

/** An address that no pod has, for an upstream without Ready pods (nginx needs at least one server). */
const NO_POD_SERVER = '127.0.0.1:9 down';

/** The upstream's balancing directive for a row's policy; round robin is nginx's default and has none. */
export function formatNginxMethod(policy: NginxPolicy): string | undefined {
  switch (policy) {
    case 'round_robin':
      return undefined;
    case 'least_conn':
      return 'least_conn;';
    case 'random_two':
      // `least_conn` is also the default method after `two`; written out so the config says what runs.
      return 'random two least_conn;';
  }
}

/**
 * Renders nginx.conf for one row: the upstream lists exactly the Ready pods (nginx OSS resolves a server's name
 * once, at load, so the harness regenerates this file and reloads nginx when the pods change), keep-alive
 * connections to the pods, no retry on another pod (`proxy_next_upstream off`, as the bundled proxy has no retries
 * by default), and `/lbbench-generation` on the traffic port, which answers the config's generation, so a reload
 * is known to be done when new connections get the new number.
 */
export function renderNginxBalancerConfig(input: NginxBalancerConfigInput): string {
  const servers = input.servers.length > 0 ? input.servers : [NO_POD_SERVER];
  return renderConfig(input, {
    header: `generation ${input.generation}`,
    serverLines: servers.map((server) => `        server ${server};\n`).join(''),
    generationLine: `return 200 "${input.generation}\\n";`,
  });
}

/**
 * The nginx.conf of a row whose pod re-resolves the headless Service itself (kind/kube, see
 * `nginx-discovery-script.ts`): the upstream's servers and the generation answer are included from files in
 * `includeDir` that the pod's discovery loop rewrites before each reload.
 */
export function renderNginxIncludingConfig(
  input: Omit<NginxBalancerConfigInput, 'servers' | 'generation'> & { readonly includeDir: string },
): string {
  return renderConfig(input, {
    header: `servers and generation from ${input.includeDir} (rewritten by the pod's discovery loop)`,
    serverLines: `        include ${quote(`${input.includeDir}/${NGINX_INCLUDES.servers}`)};\n`,
    generationLine: `include ${quote(`${input.includeDir}/${NGINX_INCLUDES.generation}`)};`,
  });
}

/** The files {@link renderNginxIncludingConfig} includes: the upstream's `server` lines, the generation's `return`. */
export const NGINX_INCLUDES = { servers: 'servers.conf', generation: 'generation.conf' } as const;

function renderConfig(
  input: Omit<NginxBalancerConfigInput, 'servers' | 'generation'>,
  parts: { readonly header: string; readonly serverLines: string; readonly generationLine: string },
): string {
  const idle = `${input.idleTimeoutMs}ms`;
  const method = formatNginxMethod(input.policy);
  return `# lbbench: nginx row ${input.policy}, ${parts.header} (generated)
worker_processes ${input.workers};
${input.runDir === undefined ? '' : `pid ${quote(`${input.runDir}/nginx.pid`)};\n`}error_log ${input.errorLog === 'stderr' ? 'stderr' : quote(input.errorLog)} notice;

events {
    worker_connections 20000;
}

http {
    access_log off;
${formatTempPaths(input.runDir)}    keepalive_requests 1000000000;
    keepalive_timeout ${idle};

    upstream myapp {
${method === undefined ? '' : `        ${method}\n`}${parts.serverLines}        keepalive 1024;
        keepalive_requests 1000000000;
        keepalive_timeout ${idle};
    }

    server {
        listen ${formatListen(input.listen)};
        # Asked on the traffic port, so a reload counts as done when new traffic connections get the new config.
        location = /lbbench-generation {
            ${parts.generationLine}
        }
        location / {
            proxy_pass http://myapp;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host ${input.hostHeader};
            proxy_connect_timeout ${input.connectTimeoutMs}ms;
            proxy_read_timeout ${input.responseTimeoutMs}ms;
            proxy_send_timeout ${input.responseTimeoutMs}ms;
            proxy_next_upstream off;
            proxy_buffering off;
        }
    }

    server {
        listen ${formatListen(input.status)};
        location = /nginx_status {
            stub_status;
        }
    }
}
`;
}

function formatTempPaths(runDir: string | undefined): string {
  if (runDir === undefined) return '';
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `    ${kind}_temp_path ${quote(`${runDir}/${kind}_temp`)};\n`)
    .join('');
}

function formatListen(address: { readonly host: string; readonly port: number }): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Quotes a value for nginx.conf: double quotes, with `"` and `\` escaped. */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
