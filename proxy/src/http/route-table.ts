import type { RouteConfig, VirtualHostConfig } from '../types.js';

/** Finds the route for a request, as Envoy's route table does. */
export interface RouteTable {
  /** The route for this Host header and request target, or undefined (Envoy answers 404). */
  match(host: string | undefined, target: string): RouteConfig | undefined;
}

interface DomainMatcher {
  readonly virtualHost: VirtualHostConfig;
  readonly exact: ReadonlySet<string>;
  readonly suffixes: readonly string[];
  readonly prefixes: readonly string[];
  readonly isCatchAll: boolean;
}

function createDomainMatcher(virtualHost: VirtualHostConfig): DomainMatcher {
  const domains = virtualHost.domains.map((domain) => domain.toLowerCase());
  return {
    virtualHost,
    exact: new Set(domains.filter((domain) => !domain.includes('*'))),
    suffixes: domains
      .filter((domain) => domain.startsWith('*') && domain !== '*')
      .map((domain) => domain.slice(1)),
    prefixes: domains
      .filter((domain) => domain.endsWith('*') && domain !== '*')
      .map((domain) => domain.slice(0, -1)),
    isCatchAll: domains.includes('*'),
  };
}

/**
 * Envoy's domain search order: exact names, then the longest suffix wildcard (`*.example.com`), then the
 * longest prefix wildcard (`example.*`), then `*`.
 */
function findVirtualHost(matchers: readonly DomainMatcher[], host: string): VirtualHostConfig | undefined {
  for (const matcher of matchers) if (matcher.exact.has(host)) return matcher.virtualHost;
  let best: { length: number; virtualHost: VirtualHostConfig } | undefined;
  for (const matcher of matchers) {
    for (const suffix of matcher.suffixes) {
      if (host.endsWith(suffix) && host.length > suffix.length && (best?.length ?? -1) < suffix.length) {
        best = { length: suffix.length, virtualHost: matcher.virtualHost };
      }
    }
  }
  if (best !== undefined) return best.virtualHost;
  for (const matcher of matchers) {
    for (const prefix of matcher.prefixes) {
      if (host.startsWith(prefix) && host.length > prefix.length && (best?.length ?? -1) < prefix.length) {
        best = { length: prefix.length, virtualHost: matcher.virtualHost };
      }
    }
  }
  if (best !== undefined) return best.virtualHost;
  return matchers.find((matcher) => matcher.isCatchAll)?.virtualHost;
}

function matchesRoute(route: RouteConfig, path: string): boolean {
  return 'prefix' in route.match ? path.startsWith(route.match.prefix) : path === route.match.path;
}

/** Builds the route table of one listener. */
export function createRouteTable(virtualHosts: readonly VirtualHostConfig[]): RouteTable {
  const matchers = virtualHosts.map(createDomainMatcher);
  // The seed scenario's table (one catch-all host, one "/" prefix route) is the hot case: answer it directly.
  const onlyRoute = virtualHosts.length === 1 ? virtualHosts[0]?.routes[0] : undefined;
  const isTrivial =
    matchers.length === 1 &&
    matchers[0]?.isCatchAll === true &&
    virtualHosts[0]?.routes.length === 1 &&
    onlyRoute !== undefined &&
    'prefix' in onlyRoute.match &&
    onlyRoute.match.prefix === '/';
  if (isTrivial) return { match: (_host, target) => (target.startsWith('/') ? onlyRoute : undefined) };
  return {
    match(host, target) {
      // Like Envoy without strip_any_host_port, the Host header is matched as sent, port included.
      const virtualHost = findVirtualHost(matchers, (host ?? '').toLowerCase());
      if (virtualHost === undefined) return undefined;
      const queryStart = target.indexOf('?');
      const path = queryStart === -1 ? target : target.slice(0, queryStart);
      return virtualHost.routes.find((route) => matchesRoute(route, path));
    },
  };
}
