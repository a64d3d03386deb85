/**
 * lbbench-proxy's public entry, the only module other packages (the lbbench harness) may import: the policy
 * names, the balancers and their seeded random source, the request hash of a header hash policy, host selection for
 * retries, the retry rules, back-off and defaults (with the circuit-breaker defaults), the admin snapshot format with
 * Envoy's ordered health
 * flags, host-address formatting, and where the compiled proxy program is.
 */
export { LB_POLICIES } from './types.js';
export type {
  Balancer,
  BalancerFactory,
  BalancerHost,
  BalancerOptions,
  Clock,
  LbPolicy,
  PickContext,
  RetryOn,
  RetryPolicy,
  Rng,
  SlowStartConfig,
} from './types.js';
export { RETRY_ON_TOKENS } from './types.js';
export { createBalancer } from './lb/create-balancer.js';
export { chooseHost } from './lb/choose-host.js';
export type { PickRetryRule } from './lb/choose-host.js';
export { getSlowStartFactor } from './lb/slow-start.js';
export { RetryBackOff, shouldRetryReset, shouldRetryStatus } from './http/retry-rules.js';
export { DEFAULT_CIRCUIT_BREAKER_THRESHOLDS, RETRY_DEFAULTS } from './config/defaults.js';
export { createRng, deriveSeed } from './lb/rng.js';
export { hashHeaderValues } from './lb/request-hash.js';
export { HEALTH_FLAGS } from './admin/snapshot.js';
export type { ClusterSnapshot, HealthFlag, HostSnapshot, HostStatValues } from './admin/snapshot.js';
export { renderClustersJson } from './admin/render-clusters-json.js';
export { renderClustersText } from './admin/render-clusters-text.js';
export { formatHostAddress } from './admin/host-address.js';
export { PROXY_VERSION } from './version.js';
export { PROXY_PACKAGE_DIR, resolveProxyMain } from './package-paths.js';
export type { OutlierDetectionConfig, HealthCheckConfig } from './types.js';
export { OUTLIER_DETECTION_DEFAULTS } from './config/parse-outlier-detection.js';
export { OutlierCounters, OUTLIER_COUNTERS_PER_HOST } from './health/outlier-counters.js';
export type { ConsecutiveCounter, SuccessRateMonitorType } from './health/outlier-counters.js';
export { recordOutlierResult, recordConnectSuccess } from './health/outlier-result.js';
export type { OutlierResult } from './health/outlier-result.js';
export { OutlierDetector, computeSuccessRateThreshold } from './health/outlier-detector.js';
export type { EjectionType, OutlierEvent } from './health/outlier-detector.js';
export { HealthCheckSession } from './health/health-check-session.js';
export { isInPanic, selectHostSource, healthFlagBit, listHealthFlags } from './health/host-health.js';
