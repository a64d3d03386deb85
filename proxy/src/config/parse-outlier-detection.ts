import type { OutlierDetectionConfig } from '../types.js';
import { CLUSTER_SCHEMAS } from './cluster-schemas.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import { readBoolean, readChildMapping, readDurationMs, readInteger, type Mapping } from './read-fields.js';

const UINT32_MAX = 4_294_967_295;
/** Envoy's defaults (outlier_detection_impl.h DetectorConfig). */
export const OUTLIER_DETECTION_DEFAULTS = {
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeMs: 300_000,
  maxEjectionTimeJitterMs: 0,
  maxEjectionPercent: 10,
  alwaysEjectOneHost: false,
  consecutive5xx: 5,
  consecutiveGatewayFailure: 5,
  consecutiveLocalOriginFailure: 5,
  enforcingConsecutive5xx: 100,
  enforcingConsecutiveGatewayFailure: 0,
  enforcingConsecutiveLocalOriginFailure: 100,
  successRateMinimumHosts: 5,
  successRateRequestVolume: 100,
  successRateStdevFactor: 1900,
  enforcingSuccessRate: 100,
  enforcingLocalOriginSuccessRate: 100,
  failurePercentageThreshold: 85,
  failurePercentageMinimumHosts: 5,
  failurePercentageRequestVolume: 50,
  enforcingFailurePercentage: 0,
  enforcingFailurePercentageLocalOrigin: 0,
  splitExternalLocalOriginErrors: false,
  successfulActiveHealthCheckUnejectHost: true,
} as const satisfies OutlierDetectionConfig;

const PERCENT_FIELDS = {
  max_ejection_percent: 'maxEjectionPercent',
  enforcing_consecutive_5xx: 'enforcingConsecutive5xx',
  enforcing_consecutive_gateway_failure: 'enforcingConsecutiveGatewayFailure',
  enforcing_consecutive_local_origin_failure: 'enforcingConsecutiveLocalOriginFailure',
  enforcing_success_rate: 'enforcingSuccessRate',
  enforcing_local_origin_success_rate: 'enforcingLocalOriginSuccessRate',
  failure_percentage_threshold: 'failurePercentageThreshold',
  enforcing_failure_percentage: 'enforcingFailurePercentage',
  enforcing_failure_percentage_local_origin: 'enforcingFailurePercentageLocalOrigin',
} as const;
const COUNT_FIELDS = {
  consecutive_5xx: 'consecutive5xx',
  consecutive_gateway_failure: 'consecutiveGatewayFailure',
  consecutive_local_origin_failure: 'consecutiveLocalOriginFailure',
  success_rate_minimum_hosts: 'successRateMinimumHosts',
  success_rate_request_volume: 'successRateRequestVolume',
  success_rate_stdev_factor: 'successRateStdevFactor',
  failure_percentage_minimum_hosts: 'failurePercentageMinimumHosts',
  failure_percentage_request_volume: 'failurePercentageRequestVolume',
} as const;
const DURATION_FIELDS = {
  interval: 'intervalMs',
  base_ejection_time: 'baseEjectionTimeMs',
  max_ejection_time: 'maxEjectionTimeMs',
  max_ejection_time_jitter: 'maxEjectionTimeJitterMs',
} as const;
const BOOLEAN_FIELDS = {
  always_eject_one_host: 'alwaysEjectOneHost',
  split_external_local_origin_errors: 'splitExternalLocalOriginErrors',
  successful_active_health_check_uneject_host: 'successfulActiveHealthCheckUnejectHost',
} as const;

/**
 * Reads a cluster's `outlier_detection`: undefined when absent (Envoy runs no detector then), else every
 * field with Envoy's default. `max_ejection_time` defaults to max(300 s, base_ejection_time) and may not be
 * shorter than `base_ejection_time`, as Envoy refuses it.
 */
export function readOutlierDetection(
  cluster: Mapping,
  context: ReadContext,
): OutlierDetectionConfig | undefined {
  const mapping = readChildMapping(cluster, 'outlier_detection', context, CLUSTER_SCHEMAS.outlierDetection);
  if (mapping === undefined) return undefined;
  const values: Record<string, number | boolean> = { ...OUTLIER_DETECTION_DEFAULTS };
  for (const [key, name] of Object.entries(PERCENT_FIELDS)) {
    const value = readInteger(mapping, key, context, { min: 0, max: 100 });
    if (value !== undefined) values[name] = value;
  }
  for (const [key, name] of Object.entries(COUNT_FIELDS)) {
    const value = readInteger(mapping, key, context, { min: 0, max: UINT32_MAX });
    if (value !== undefined) values[name] = value;
  }
  for (const [key, name] of Object.entries(DURATION_FIELDS)) {
    const value = readDurationMs(mapping, key, context, {
      minExclusiveMs: key === 'max_ejection_time_jitter' ? -1 : 0,
    });
    if (value !== undefined) values[name] = value;
  }
  for (const [key, name] of Object.entries(BOOLEAN_FIELDS)) {
    const value = readBoolean(mapping, key, context);
    if (value !== undefined) values[name] = value;
  }
  const config = values as unknown as OutlierDetectionConfig;
  if (mapping.fields.max_ejection_time === undefined) {
    return {
      ...config,
      maxEjectionTimeMs: Math.max(OUTLIER_DETECTION_DEFAULTS.maxEjectionTimeMs, config.baseEjectionTimeMs),
    };
  }
  if (config.maxEjectionTimeMs < config.baseEjectionTimeMs) {
    reportIssue(
      context,
      joinPath(mapping.path, 'max_ejection_time'),
      `cannot be shorter than base_ejection_time (${config.baseEjectionTimeMs}ms), got ${config.maxEjectionTimeMs}ms`,
    );
  }
  return config;
}
