import type { CircuitBreakerThresholds } from '../types.js';
import { formatHostAddress, sortHostsByPriority } from './host-address.js';
import { HEALTH_FLAGS } from './snapshot.js';
import type {
  AdminSnapshot,
  ClusterSnapshot,
  HostSnapshot,
  HostStatValues,
  OutlierSnapshot,
} from './snapshot.js';

/**
 * Envoy merges a host's counters and gauges into one std::map, so the stat lines come out sorted by name
 * (gauges cx_active and rq_active among the counters).
 */
const SORTED_HOST_STATS = [
  'cx_active',
  'cx_connect_fail',
  'cx_total',
  'rq_active',
  'rq_error',
  'rq_success',
  'rq_timeout',
  'rq_total',
] as const satisfies readonly (keyof HostStatValues)[];

/** Renders `GET /clusters` in Envoy's text format (1.18+ line set, as `source/server/admin/clusters_handler.cc` writes it). */
export function renderClustersText(snapshot: Pick<AdminSnapshot, 'clusters'>): string {
  return snapshot.clusters.map(renderCluster).join('');
}

function renderCluster(cluster: ClusterSnapshot): string {
  const name = cluster.name;
  const lines = [
    // No alt_stat_name in this proxy, so the observability name is the cluster name.
    `${name}::observability_name::${name}`,
    ...(cluster.outlier === undefined ? [] : renderOutlier(name, cluster.outlier)),
    ...renderThresholds(name, 'default', cluster.circuitBreakers.default),
    ...renderThresholds(name, 'high', cluster.circuitBreakers.high),
    `${name}::added_via_api::${String(cluster.addedViaApi)}`,
    ...sortHostsByPriority(cluster.hosts).flatMap((host) => renderHost(name, host)),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

function renderThresholds(
  cluster: string,
  priority: 'default' | 'high',
  limits: CircuitBreakerThresholds,
): string[] {
  const prefix = `${cluster}::${priority}_priority`;
  return [
    `${prefix}::max_connections::${limits.maxConnections}`,
    `${prefix}::max_pending_requests::${limits.maxPendingRequests}`,
    `${prefix}::max_requests::${limits.maxRequests}`,
    `${prefix}::max_retries::${limits.maxRetries}`,
  ];
}

function renderHost(cluster: string, host: HostSnapshot): string[] {
  const prefix = `${cluster}::${formatHostAddress(host.ip, host.port)}`;
  const statLines = SORTED_HOST_STATS.map((stat) => `${prefix}::${stat}::${host.stats[stat]}`);
  return [
    ...statLines,
    `${prefix}::hostname::${host.hostname}`,
    `${prefix}::health_flags::${formatHealthFlags(host.healthFlags)}`,
    `${prefix}::weight::${host.weight}`,
    // STRICT_DNS hosts have no locality, so region/zone/sub_zone print empty.
    `${prefix}::region::`,
    `${prefix}::zone::`,
    `${prefix}::sub_zone::`,
    `${prefix}::canary::false`,
    `${prefix}::priority::${host.priority}`,
    // Envoy prints -1 when no success rate was computed (or without outlier detection).
    `${prefix}::success_rate::${host.successRate ?? -1}`,
    `${prefix}::local_origin_success_rate::${host.localOriginSuccessRate ?? -1}`,
  ];
}

/** The cluster's outlier lines (clusters_handler.cc addOutlierInfo), each value printed with fmt's `{:g}`. */
function renderOutlier(cluster: string, outlier: OutlierSnapshot): string[] {
  return [
    `${cluster}::outlier::success_rate_average::${formatG(outlier.successRateAverage)}`,
    `${cluster}::outlier::success_rate_ejection_threshold::${formatG(outlier.successRateEjectionThreshold)}`,
    `${cluster}::outlier::local_origin_success_rate_average::${formatG(outlier.localOriginSuccessRateAverage)}`,
    `${cluster}::outlier::local_origin_success_rate_ejection_threshold::${formatG(
      outlier.localOriginSuccessRateEjectionThreshold,
    )}`,
  ];
}

/** printf's `%g`: six significant digits, no trailing zeros (values here are percentages, never tiny). */
export function formatG(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** Formats health flags as Envoy's `HostUtility::healthFlagsToString`: `healthy` or `/flag/flag` in flag order. */
export function formatHealthFlags(flags: HostSnapshot['healthFlags']): string {
  if (flags.length === 0) {
    return 'healthy';
  }
  return HEALTH_FLAGS.filter((flag) => flags.includes(flag))
    .map((flag) => `/${flag}`)
    .join('');
}
