import { isRecord } from '../validation/is-record.js';
import { joinPath } from '../validation/join-path.js';
import type { IssueSink } from './read-fields.js';
import { readDuration, readInteger, readMapping } from './read-fields.js';
import type { HealthCheckSpec, OutlierDetectionSpec } from './types.js';

const OUTLIER_KEYS = [
  'consecutive5xx',
  'consecutiveGatewayFailure',
  'interval',
  'baseEjectionTime',
  'maxEjectionTime',
  'maxEjectionPercent',
  'successRate',
];
const SUCCESS_RATE_KEYS = ['minimumHosts', 'requestVolume', 'stdevFactor'];
const HEALTH_CHECK_KEYS = ['interval', 'timeout', 'unhealthyThreshold', 'healthyThreshold', 'path'];
const DURATION = { minMs: 1, maxMs: 86_400_000 };
const COUNT = { min: 1, max: 1_000_000 };
const PATH_RULE = /^\/\S*$/;

function optionalInteger(
  value: unknown,
  path: string,
  bounds: { min: number; max: number },
  issues: IssueSink,
): number | undefined {
  return value === undefined ? undefined : readInteger(value, path, bounds, bounds.min, issues);
}

function optionalDuration(value: unknown, path: string, issues: IssueSink): number | undefined {
  return value === undefined ? undefined : readDuration(value, path, DURATION, DURATION.minMs, issues);
}

/**
 * Reads an `outlierDetection` mapping (scenario-wide `proxy.outlierDetection`); `false` turns it off. Only the
 * fields given are set; the rest keep Envoy's defaults (see src/envoy-config/outlier-detection.ts).
 */
export function readOutlierDetection(
  value: unknown,
  path: string,
  issues: IssueSink,
): OutlierDetectionSpec | undefined {
  if (value === undefined || value === false) return undefined;
  const raw = readMapping(value, path, OUTLIER_KEYS, issues);
  const at = (key: string): string => joinPath(path, key);
  const successRateValue = raw.successRate;
  let successRate: OutlierDetectionSpec['successRate'];
  if (successRateValue !== undefined) {
    const rate = readMapping(successRateValue, at('successRate'), SUCCESS_RATE_KEYS, issues);
    const stdevFactor = rate.stdevFactor;
    const isFactorValid = typeof stdevFactor === 'number' && Number.isFinite(stdevFactor) && stdevFactor >= 0;
    if (stdevFactor !== undefined && !isFactorValid) {
      issues.push({
        path: joinPath(at('successRate'), 'stdevFactor'),
        message: `must be a number ≥ 0 (Envoy's factor, e.g. 1.9), got ${JSON.stringify(stdevFactor)}`,
      });
    }
    successRate = {
      minimumHosts: optionalInteger(
        rate.minimumHosts,
        joinPath(at('successRate'), 'minimumHosts'),
        COUNT,
        issues,
      ),
      requestVolume: optionalInteger(
        rate.requestVolume,
        joinPath(at('successRate'), 'requestVolume'),
        COUNT,
        issues,
      ),
      stdevFactor: isFactorValid ? stdevFactor : undefined,
    };
  }
  return {
    consecutive5xx: optionalInteger(raw.consecutive5xx, at('consecutive5xx'), COUNT, issues),
    consecutiveGatewayFailure: optionalInteger(
      raw.consecutiveGatewayFailure,
      at('consecutiveGatewayFailure'),
      COUNT,
      issues,
    ),
    intervalMs: optionalDuration(raw.interval, at('interval'), issues),
    baseEjectionTimeMs: optionalDuration(raw.baseEjectionTime, at('baseEjectionTime'), issues),
    maxEjectionTimeMs: optionalDuration(raw.maxEjectionTime, at('maxEjectionTime'), issues),
    maxEjectionPercent: optionalInteger(
      raw.maxEjectionPercent,
      at('maxEjectionPercent'),
      { min: 0, max: 100 },
      issues,
    ),
    successRate,
  };
}

/** Reads a `healthCheck` mapping (scenario-wide `proxy.healthCheck`); `false` turns it off. */
export function readHealthCheck(
  value: unknown,
  path: string,
  issues: IssueSink,
): HealthCheckSpec | undefined {
  if (value === undefined || value === false) return undefined;
  if (!isRecord(value)) {
    issues.push({ path, message: `must be a mapping of ${HEALTH_CHECK_KEYS.join(', ')} or false` });
    return undefined;
  }
  const raw = readMapping(value, path, HEALTH_CHECK_KEYS, issues);
  const at = (key: string): string => joinPath(path, key);
  const checkPath = raw.path ?? '/';
  if (typeof checkPath !== 'string' || !PATH_RULE.test(checkPath)) {
    issues.push({
      path: at('path'),
      message: `must be a URL path starting with "/", got ${JSON.stringify(checkPath)}`,
    });
  }
  return {
    intervalMs: readDuration(raw.interval, at('interval'), DURATION, 1000, issues),
    timeoutMs: readDuration(raw.timeout, at('timeout'), DURATION, 1000, issues),
    unhealthyThreshold: readInteger(raw.unhealthyThreshold, at('unhealthyThreshold'), COUNT, 2, issues),
    healthyThreshold: readInteger(raw.healthyThreshold, at('healthyThreshold'), COUNT, 1, issues),
    path: typeof checkPath === 'string' ? checkPath : '/',
  };
}
