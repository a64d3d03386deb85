import type { CircuitBreakerThresholds } from '../types.js';
import { HOST_COUNTERS, HOST_GAUGES } from '../stats/stats-layout.js';
import { sortHostsByPriority } from './host-address.js';
import type { AdminSnapshot, ClusterSnapshot, HealthFlag, HostSnapshot, HostStatValues } from './snapshot.js';

type JsonObject = Record<string, unknown>;

/**
 * Renders `GET /clusters?format=json` as Envoy prints `envoy.admin.v3.Clusters`: proto3 JSON with snake_case
 * names, defaults omitted, uint64 as strings, keys in field-number order, pretty-printed with a 1-space indent.
 */
export function renderClustersJson(snapshot: Pick<AdminSnapshot, 'clusters'>): string {
  const statuses = snapshot.clusters.map(buildClusterStatus);
  return `${JSON.stringify(statuses.length === 0 ? {} : { cluster_statuses: statuses }, null, 1)}\n`;
}

function buildClusterStatus(cluster: ClusterSnapshot): JsonObject {
  const hosts = sortHostsByPriority(cluster.hosts).map(buildHostStatus);
  return {
    name: cluster.name,
    ...(cluster.addedViaApi ? { added_via_api: true } : {}),
    ...positiveValue('success_rate_ejection_threshold', cluster.outlier?.successRateEjectionThreshold),
    ...(hosts.length > 0 ? { host_statuses: hosts } : {}),
    ...positiveValue(
      'local_origin_success_rate_ejection_threshold',
      cluster.outlier?.localOriginSuccessRateEjectionThreshold,
    ),
    circuit_breakers: {
      thresholds: [
        buildThresholds(undefined, cluster.circuitBreakers.default),
        buildThresholds('HIGH', cluster.circuitBreakers.high),
      ],
    },
    observability_name: cluster.name,
  };
}

/** A `{value}` Percent wrapper, only when the value is above 0 (clusters_handler.cc). */
function positiveValue(key: string, value: number | undefined): JsonObject {
  return value !== undefined && value > 0 ? { [key]: { value } } : {};
}

function nonNegativeValue(key: string, value: number | undefined): JsonObject {
  return value !== undefined && value >= 0 ? { [key]: { value } } : {};
}

function buildThresholds(priority: 'HIGH' | undefined, limits: CircuitBreakerThresholds): JsonObject {
  // The thresholds are UInt32Value wrappers: printed as plain numbers, and printed even when 0.
  return {
    ...(priority === undefined ? {} : { priority }),
    max_connections: limits.maxConnections,
    max_pending_requests: limits.maxPendingRequests,
    max_requests: limits.maxRequests,
    max_retries: limits.maxRetries,
  };
}

function buildHostStatus(host: HostSnapshot): JsonObject {
  return {
    address: {
      socket_address: { address: host.ip, ...(host.port === 0 ? {} : { port_value: host.port }) },
    },
    stats: buildStats(host.stats),
    health_status: buildHealthStatus(host.healthFlags),
    // Envoy sets the success rates only when computed (>= 0).
    ...nonNegativeValue('success_rate', host.successRate),
    ...(host.weight === 0 ? {} : { weight: host.weight }),
    ...(host.hostname === '' ? {} : { hostname: host.hostname }),
    ...(host.priority === 0 ? {} : { priority: host.priority }),
    ...nonNegativeValue('local_origin_success_rate', host.localOriginSuccessRate),
    locality: {},
  };
}

function buildStats(stats: HostStatValues): JsonObject[] {
  // SimpleMetric fields in number order: type (enum, COUNTER = 0 omitted), value (uint64 string), name.
  const metric = (name: string, value: number, type: 'GAUGE' | undefined): JsonObject => ({
    ...(type === undefined ? {} : { type }),
    ...(value === 0 ? {} : { value: String(value) }),
    name,
  });
  return [
    // Envoy's `ALL_HOST_STATS` macro order: the counters, unsorted, then the gauges.
    ...HOST_COUNTERS.map((name) => metric(name, stats[name], undefined)),
    ...HOST_GAUGES.map((name) => metric(name, stats[name], 'GAUGE')),
  ];
}

function buildHealthStatus(flags: readonly HealthFlag[]): JsonObject {
  const has = (flag: HealthFlag): boolean => flags.includes(flag);
  const flag = (key: string, isSet: boolean): JsonObject => (isSet ? { [key]: true } : {});
  return {
    ...flag('failed_active_health_check', has('failed_active_hc')),
    ...flag('failed_outlier_check', has('failed_outlier_check')),
    eds_health_status: edsHealthStatus(has),
    ...flag('failed_active_degraded_check', has('degraded_active_hc')),
    ...flag('pending_dynamic_removal', has('pending_dynamic_removal')),
    ...flag('pending_active_hc', has('pending_active_hc')),
    ...flag('excluded_via_immediate_hc_fail', has('excluded_via_immediate_hc_fail')),
    ...flag('active_hc_timeout', has('active_hc_timeout')),
  };
}

function edsHealthStatus(has: (flag: HealthFlag) => boolean): string {
  // Same precedence as Envoy's setHealthFlag: failed beats degraded beats draining.
  if (has('failed_eds_health')) {
    return 'UNHEALTHY';
  }
  if (has('degraded_eds_health')) {
    return 'DEGRADED';
  }
  return has('eds_status_draining') ? 'DRAINING' : 'HEALTHY';
}
