import {
  OUTLIER_DETECTION_DEFAULTS,
  type HealthCheckConfig,
  type OutlierDetectionConfig,
} from 'lbbench-proxy';
import type { Document } from 'yaml';
import type {
  HealthCheckSpec,
  OutlierDetectionSpec,
  EnvoyPolicyEntry,
  ProxySpec,
} from '../scenario/types.js';

/** A duration as Envoy's YAML takes it (`1.5s`). */
function formatSeconds(ms: number): string {
  return `${ms / 1000}s`;
}

/**
 * The scenario's `outlierDetection` as Envoy's `outlier_detection` fields. Only what the scenario sets is
 * written, so the rest keeps Envoy's defaults; `consecutiveGatewayFailure` also writes
 * `enforcing_consecutive_gateway_failure: 100`, since Envoy enforces gateway-failure ejection 0 % by default.
 */
export function toEnvoyOutlierDetection(spec: OutlierDetectionSpec): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (spec.consecutive5xx !== undefined) fields.consecutive_5xx = spec.consecutive5xx;
  if (spec.consecutiveGatewayFailure !== undefined) {
    fields.consecutive_gateway_failure = spec.consecutiveGatewayFailure;
    fields.enforcing_consecutive_gateway_failure = 100;
  }
  if (spec.intervalMs !== undefined) fields.interval = formatSeconds(spec.intervalMs);
  if (spec.baseEjectionTimeMs !== undefined)
    fields.base_ejection_time = formatSeconds(spec.baseEjectionTimeMs);
  if (spec.maxEjectionTimeMs !== undefined) fields.max_ejection_time = formatSeconds(spec.maxEjectionTimeMs);
  if (spec.maxEjectionPercent !== undefined) fields.max_ejection_percent = spec.maxEjectionPercent;
  const rate = spec.successRate;
  if (rate?.minimumHosts !== undefined) fields.success_rate_minimum_hosts = rate.minimumHosts;
  if (rate?.requestVolume !== undefined) fields.success_rate_request_volume = rate.requestVolume;
  if (rate?.stdevFactor !== undefined) fields.success_rate_stdev_factor = Math.round(rate.stdevFactor * 1000);
  return fields;
}

/**
 * The detector settings the proxy derives from those fields (Envoy's defaults for the rest), for the simulator.
 * `max_ejection_time` defaults to max(300 s, base), as in Envoy.
 */
export function toOutlierDetectionConfig(spec: OutlierDetectionSpec): OutlierDetectionConfig {
  const base = spec.baseEjectionTimeMs ?? OUTLIER_DETECTION_DEFAULTS.baseEjectionTimeMs;
  const rate = spec.successRate;
  return {
    ...OUTLIER_DETECTION_DEFAULTS,
    consecutive5xx: spec.consecutive5xx ?? OUTLIER_DETECTION_DEFAULTS.consecutive5xx,
    ...(spec.consecutiveGatewayFailure === undefined
      ? {}
      : {
          consecutiveGatewayFailure: spec.consecutiveGatewayFailure,
          enforcingConsecutiveGatewayFailure: 100,
        }),
    intervalMs: spec.intervalMs ?? OUTLIER_DETECTION_DEFAULTS.intervalMs,
    baseEjectionTimeMs: base,
    maxEjectionTimeMs: spec.maxEjectionTimeMs ?? Math.max(OUTLIER_DETECTION_DEFAULTS.maxEjectionTimeMs, base),
    maxEjectionPercent: spec.maxEjectionPercent ?? OUTLIER_DETECTION_DEFAULTS.maxEjectionPercent,
    successRateMinimumHosts: rate?.minimumHosts ?? OUTLIER_DETECTION_DEFAULTS.successRateMinimumHosts,
    successRateRequestVolume: rate?.requestVolume ?? OUTLIER_DETECTION_DEFAULTS.successRateRequestVolume,
    successRateStdevFactor:
      rate?.stdevFactor === undefined
        ? OUTLIER_DETECTION_DEFAULTS.successRateStdevFactor
        : Math.round(rate.stdevFactor * 1000),
  };
}

/** The scenario's `healthCheck` as Envoy's `health_checks` list (one HTTP check). */
export function toEnvoyHealthChecks(spec: HealthCheckSpec): Record<string, unknown>[] {
  return [
    {
      timeout: formatSeconds(spec.timeoutMs),
      interval: formatSeconds(spec.intervalMs),
      unhealthy_threshold: spec.unhealthyThreshold,
      healthy_threshold: spec.healthyThreshold,
      // Before the first request Envoy checks only every no_traffic_interval (60 s); a benchmark starts
      // checking at once, so the scenario's interval applies from the start.
      no_traffic_interval: formatSeconds(spec.intervalMs),
      http_health_check: { path: spec.path },
    },
  ];
}

/** The proxy's parsed form of {@link toEnvoyHealthChecks}, for the simulator. */
export function toHealthCheckConfig(spec: HealthCheckSpec): HealthCheckConfig {
  return {
    timeoutMs: spec.timeoutMs,
    intervalMs: spec.intervalMs,
    unhealthyIntervalMs: spec.intervalMs,
    unhealthyEdgeIntervalMs: spec.intervalMs,
    healthyEdgeIntervalMs: spec.intervalMs,
    noTrafficIntervalMs: spec.intervalMs,
    noTrafficHealthyIntervalMs: spec.intervalMs,
    initialJitterMs: 0,
    intervalJitterMs: 0,
    intervalJitterPercent: 0,
    unhealthyThreshold: spec.unhealthyThreshold,
    healthyThreshold: spec.healthyThreshold,
    reuseConnection: true,
    path: spec.path,
    host: '',
    expectedStatuses: [[200, 201]],
    retriableStatuses: [],
  };
}

/**
 * Sets the scenario's `outlier_detection` and `health_checks` on the cluster at `clusterPath` of a rendered Envoy
 * config, replacing the template's own; a template keeps its settings when the scenario sets none.
 */
export function setHealthSettings(
  doc: Document,
  clusterPath: readonly (string | number)[],
  settings: {
    readonly outlierDetection: OutlierDetectionSpec | undefined;
    readonly healthCheck: HealthCheckSpec | undefined;
  },
): void {
  if (settings.outlierDetection !== undefined)
    doc.setIn(
      [...clusterPath, 'outlier_detection'],
      doc.createNode(toEnvoyOutlierDetection(settings.outlierDetection)),
    );
  if (settings.healthCheck !== undefined)
    doc.setIn([...clusterPath, 'health_checks'], doc.createNode(toEnvoyHealthChecks(settings.healthCheck)));
}

/** A row's health settings: its own `outlierDetection` / `healthCheck` (`false` = none), else the scenario's. */
export function resolveHealthSettings(
  row: EnvoyPolicyEntry,
  proxy: ProxySpec,
): {
  readonly outlierDetection: OutlierDetectionSpec | undefined;
  readonly healthCheck: HealthCheckSpec | undefined;
} {
  const { outlierDetection, healthCheck } = row.settings;
  return {
    outlierDetection: outlierDetection === false ? undefined : (outlierDetection ?? proxy.outlierDetection),
    healthCheck: healthCheck === false ? undefined : (healthCheck ?? proxy.healthCheck),
  };
}
