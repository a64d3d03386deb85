import type { HaproxyPolicy } from '../../scenario/proxy-rows.js';

/** Where HAProxy asks for the headless Service's A records. */
export type HaproxyResolvers =
  /** One DNS server (the local backend's embedded one). */
  | { readonly kind: 'nameserver'; readonly host: string; readonly port: number }
  /** The nameservers of the container's `/etc/resolv.conf` (the cluster DNS on kind/kube). */
  | { readonly kind: 'resolv-conf' };

/** Everything {@link renderHaproxyConfig} needs; addresses are where HAProxy binds. */
export interface HaproxyConfigInput {
  readonly policy: HaproxyPolicy;
  readonly listen: { readonly host: string; readonly port: number };
  /** The HTTP stats page (`/stats`, CSV at `/stats;csv`). */
  readonly stats: { readonly host: string; readonly port: number };
  /** The headless Service's fully qualified name (HAProxy applies no search domains) and the pods' port. */
  readonly serviceName: string;
  readonly podPort: number;
  /** The `Host` header sent to the pods, as the bundled proxy's `host_rewrite`. */
  readonly hostHeader: string;
  readonly resolvers: HaproxyResolvers;
  /** Server slots of the `server-template`: at least the most Ready pods the scenario can have at once. */
  readonly slots: number;
  /** Re-resolution interval, the bundled proxy's `dns_refresh_rate`. */
  readonly dnsRefreshRateMs: number;
  readonly threads: number;
  readonly connectTimeoutMs: number;
  /** Longest a request may wait for its response (the bundled proxy's route timeout). */
  readonly responseTimeoutMs: number;
  /** Longest an idle client or server keep-alive connection is kept. */
  readonly idleTimeoutMs: number;
}

/** The backend and its server names in the generated config: slots are `myapp1` … `myapp<slots>`. */
export const HAPROXY_BACKEND = 'myapp';

/** HAProxy's `balance` line for a row's policy. */
export function formatHaproxyBalance(policy: HaproxyPolicy): string {
  // random(2): two draws, the server with fewer outstanding requests wins (power of two choices); written out
  // rather than relying on HAProxy's default number of draws.
  return policy === 'random' ? 'balance random(2)' : `balance ${policy}`;
}

/**
 * Renders haproxy.cfg for one row: a frontend on `listen`, the `myapp` backend with the row's `balance` and a
 * `server-template` whose slots are filled from the headless Service's A records (re-resolved every
 * `dnsRefreshRateMs`; an address missing from an answer leaves at once, as in Envoy's STRICT_DNS), keep-alive on
 * both sides, and the stats page. No retries and no health checks, as the bundled proxy has none by default.
 */
export function renderHaproxyConfig(input: HaproxyConfigInput): string {
  const refresh = `${input.dnsRefreshRateMs}ms`;
  const idle = `${input.idleTimeoutMs}ms`;
  return `# lbbench: HAProxy row, ${formatHaproxyBalance(input.policy)} (generated)
global
    nbthread ${input.threads}
    # Two descriptors per connection must fit under the usual 20000 open-file limit of a shell.
    maxconn 8000

resolvers cluster
${formatResolvers(input.resolvers)}
    # Re-resolve every dns_refresh_rate; keep no address an answer no longer has (Envoy STRICT_DNS).
    timeout resolve ${refresh}
    timeout retry 1s
    resolve_retries 3
    hold valid ${refresh}
    hold obsolete 0s
    hold nx 0s
    accepted_payload_size 8192

defaults
    mode http
    option http-keep-alive
    timeout connect ${input.connectTimeoutMs}ms
    timeout server ${input.responseTimeoutMs}ms
    timeout client ${idle}
    timeout http-keep-alive ${idle}
    timeout http-request ${input.responseTimeoutMs}ms
    retries 0

frontend traffic
    bind ${formatBind(input.listen)}
    default_backend ${HAPROXY_BACKEND}

backend ${HAPROXY_BACKEND}
    ${formatHaproxyBalance(input.policy)}
    http-reuse always
    http-request set-header Host ${input.hostHeader}
    server-template ${HAPROXY_BACKEND} 1-${input.slots} ${input.serviceName}:${input.podPort} resolvers cluster init-addr none resolve-prefer ipv4

frontend stats
    bind ${formatBind(input.stats)}
    stats enable
    stats uri /stats
    # Adds the servers' addresses (the CSV's addr column), which map the server-template slots to pods.
    stats show-legends
`;
}

function formatResolvers(resolvers: HaproxyResolvers): string {
  return resolvers.kind === 'resolv-conf'
    ? '    parse-resolv-conf'
    : `    nameserver local ${formatBind(resolvers)}`;
}

function formatBind(address: { readonly host: string; readonly port: number }): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
