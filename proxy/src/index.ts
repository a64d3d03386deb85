/**
 * lbbench-proxy's public entry, the only module other packages (the lbbench harness) may import: the policy
 * names, the balancers and their seeded random source, the request hash of a header hash policy, the admin snapshot format with Envoy's ordered health
 * flags, host-address formatting, and where the compiled proxy program is.
 */
export { LB_POLICIES } from './types.js';
export type {
  Balancer,
  BalancerFactory,
  BalancerHost,
  BalancerOptions,
  LbPolicy,
  PickContext,
  Rng,
} from './types.js';
export { createBalancer } from './lb/create-balancer.js';
export { createRng, deriveSeed } from './lb/rng.js';
export { hashHeaderValues } from './lb/request-hash.js';
export { HEALTH_FLAGS } from './admin/snapshot.js';
export type { ClusterSnapshot, HealthFlag, HostSnapshot, HostStatValues } from './admin/snapshot.js';
export { renderClustersJson } from './admin/render-clusters-json.js';
export { renderClustersText } from './admin/render-clusters-text.js';
export { formatHostAddress } from './admin/host-address.js';
export { PROXY_VERSION } from './version.js';
export { PROXY_PACKAGE_DIR, resolveProxyMain } from './package-paths.js';
