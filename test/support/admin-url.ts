import type { ProxyEndpoints } from '../../src/backends/backend.js';

/** The admin URL of a row balancer whose counters are an Envoy-style `/clusters`; throws for any other. */
export function getAdminUrl(endpoints: ProxyEndpoints): string {
  if (endpoints.counters.kind !== 'envoy-clusters') {
    throw new Error(`expected a balancer with /clusters, got counters from ${endpoints.counters.kind}`);
  }
  return endpoints.counters.adminUrl;
}
