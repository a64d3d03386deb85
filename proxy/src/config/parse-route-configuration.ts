import type { VirtualHostConfig } from '../types.js';
import { describeValue } from './describe-value.js';
import { ROUTE_SCHEMAS } from './route-schemas.js';
import { readRoute } from './parse-route.js';
import { readRetryPolicy } from './parse-retry-policy.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import { readList, readMapping, readString, type ListItem, type Mapping } from './read-fields.js';

/** A domain as written, with its path, for the uniqueness check. */
interface DomainAtPath {
  readonly domain: string;
  readonly path: string;
}

// Envoy allows one wildcard, either as the whole domain or at its start or end.
function isDomainPattern(domain: string): boolean {
  const wildcards = domain.split('*').length - 1;
  return (
    domain !== '' &&
    (wildcards === 0 || (wildcards === 1 && (domain.startsWith('*') || domain.endsWith('*'))))
  );
}

function readDomains(virtualHost: Mapping, context: ReadContext): DomainAtPath[] | undefined {
  const items = readList(virtualHost, 'domains', context, { isRequired: true });
  if (items === undefined) return undefined;
  if (items.length === 0)
    reportIssue(context, joinPath(virtualHost.path, 'domains'), 'must hold at least one domain, e.g. ["*"]');
  const domains = items.filter((item) => {
    if (typeof item.value === 'string' && isDomainPattern(item.value)) return true;
    const expected = 'must be "*", a host name, or a host name with one leading or trailing "*"';
    reportIssue(context, item.path, `${expected}, got ${describeValue(item.value)}`);
    return false;
  });
  return domains.map((item) => ({ domain: item.value as string, path: item.path }));
}

function readVirtualHost(item: ListItem, context: ReadContext) {
  const virtualHost = readMapping(item.value, item.path, context, ROUTE_SCHEMAS.virtualHost);
  if (virtualHost === undefined) return undefined;
  const name = readString(virtualHost, 'name', context, { isRequired: true });
  const domains = readDomains(virtualHost, context);
  const routeItems = readList(virtualHost, 'routes', context) ?? [];
  const retryPolicy = readRetryPolicy(virtualHost, context);
  const routes = routeItems.map((routeItem) => readRoute(routeItem, context, retryPolicy));
  if (name === undefined || domains === undefined) return undefined;
  const config: VirtualHostConfig = {
    name,
    domains: domains.map(({ domain }) => domain),
    routes: routes.filter((route) => route !== undefined),
  };
  return { config, domains };
}

function checkUniqueDomains(domainLists: readonly (readonly DomainAtPath[])[], context: ReadContext): void {
  const seen = new Map<string, string>();
  for (const { domain, path } of domainLists.flat()) {
    const key = domain.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, path);
    else
      reportIssue(
        context,
        path,
        `duplicate domain "${domain}" (also ${first}); Envoy requires unique domains`,
      );
  }
}

/** Reads a `route_config`: its virtual hosts with their routes. */
export function readRouteConfiguration(routeConfig: Mapping, context: ReadContext): VirtualHostConfig[] {
  readString(routeConfig, 'name', context);
  const items = readList(routeConfig, 'virtual_hosts', context) ?? [];
  const virtualHosts = items.map((item) => readVirtualHost(item, context));
  const read = virtualHosts.filter((virtualHost) => virtualHost !== undefined);
  checkUniqueDomains(
    read.map(({ domains }) => domains),
    context,
  );
  return read.map(({ config }) => config);
}
