import type { HealthCheckConfig } from '../types.js';
import { CLUSTER_SCHEMAS } from './cluster-schemas.js';
import { indexPath, joinPath, reportIssue, type ReadContext } from './read-context.js';
import {
  readBoolean,
  readChildMapping,
  readDurationMs,
  readInteger,
  readList,
  readMapping,
  readString,
  type Mapping,
} from './read-fields.js';

const UINT32_MAX = 4_294_967_295;
/** Envoy's `no_traffic_interval` default. */
const NO_TRAFFIC_INTERVAL_MS = 60_000;
/** Envoy's default expected status range: 200 only. */
const DEFAULT_EXPECTED_STATUSES: readonly (readonly [number, number])[] = [[200, 201]];

function readRanges(
  mapping: Mapping,
  key: string,
  context: ReadContext,
): (readonly [number, number])[] | undefined {
  const items = readList(mapping, key, context);
  if (items === undefined) return undefined;
  const ranges: (readonly [number, number])[] = [];
  for (const item of items) {
    const range = readMapping(item.value, item.path, context, CLUSTER_SCHEMAS.int64Range);
    if (range === undefined) continue;
    const start = readInteger(range, 'start', context, { min: 100, max: 599, isRequired: true });
    const end = readInteger(range, 'end', context, { min: 101, max: 600, isRequired: true });
    if (start === undefined || end === undefined) continue;
    if (end <= start) {
      reportIssue(context, joinPath(item.path, 'end'), `must be greater than start (${start}), got ${end}`);
      continue;
    }
    ranges.push([start, end]);
  }
  return ranges;
}

function readHealthCheck(value: unknown, path: string, context: ReadContext): HealthCheckConfig | undefined {
  const check = readMapping(value, path, context, CLUSTER_SCHEMAS.healthCheck);
  if (check === undefined) return undefined;
  const timeoutMs = readDurationMs(check, 'timeout', context, { minExclusiveMs: 0, isRequired: true });
  const intervalMs = readDurationMs(check, 'interval', context, { minExclusiveMs: 0, isRequired: true });
  const threshold = (key: string): number | undefined =>
    readInteger(check, key, context, { min: 0, max: UINT32_MAX, isRequired: true });
  const unhealthyThreshold = threshold('unhealthy_threshold');
  const healthyThreshold = threshold('healthy_threshold');
  const http = readChildMapping(check, 'http_health_check', context, CLUSTER_SCHEMAS.httpHealthCheck);
  if (check.fields.http_health_check === undefined) {
    reportIssue(
      context,
      joinPath(path, 'http_health_check'),
      'is required: this proxy runs HTTP health checks only (tcp, grpc and custom checks are not implemented)',
    );
  }
  const optionalMs = (key: string): number | undefined =>
    readDurationMs(check, key, context, { minExclusiveMs: 0 });
  const checkPath = http === undefined ? undefined : readString(http, 'path', context, { isRequired: true });
  if (
    timeoutMs === undefined ||
    intervalMs === undefined ||
    unhealthyThreshold === undefined ||
    healthyThreshold === undefined ||
    http === undefined ||
    checkPath === undefined
  )
    return undefined;
  const unhealthyIntervalMs = optionalMs('unhealthy_interval') ?? intervalMs;
  const noTrafficIntervalMs = optionalMs('no_traffic_interval') ?? NO_TRAFFIC_INTERVAL_MS;
  return {
    timeoutMs,
    intervalMs,
    unhealthyIntervalMs,
    unhealthyEdgeIntervalMs: optionalMs('unhealthy_edge_interval') ?? unhealthyIntervalMs,
    healthyEdgeIntervalMs: optionalMs('healthy_edge_interval') ?? intervalMs,
    noTrafficIntervalMs,
    noTrafficHealthyIntervalMs: optionalMs('no_traffic_healthy_interval') ?? noTrafficIntervalMs,
    initialJitterMs: optionalMs('initial_jitter') ?? 0,
    intervalJitterMs: optionalMs('interval_jitter') ?? 0,
    intervalJitterPercent:
      readInteger(check, 'interval_jitter_percent', context, { min: 0, max: UINT32_MAX }) ?? 0,
    unhealthyThreshold,
    healthyThreshold,
    reuseConnection: readBoolean(check, 'reuse_connection', context) ?? true,
    path: checkPath,
    host: readString(http, 'host', context, { allowEmpty: true }) ?? '',
    expectedStatuses: readRanges(http, 'expected_statuses', context) ?? DEFAULT_EXPECTED_STATUSES,
    retriableStatuses: readRanges(http, 'retriable_statuses', context) ?? [],
  };
}

/**
 * Reads a cluster's `health_checks`: undefined when absent or empty, else its one HTTP health check. Envoy
 * itself refuses more than one health check per cluster ("Multiple health checks not supported").
 */
export function readHealthChecks(cluster: Mapping, context: ReadContext): HealthCheckConfig | undefined {
  const items = readList(cluster, 'health_checks', context);
  if (items === undefined || items.length === 0) return undefined;
  if (items.length > 1) {
    reportIssue(
      context,
      indexPath(joinPath(cluster.path, 'health_checks'), 1),
      `a cluster takes one health check, got ${items.length} (Envoy: "Multiple health checks not supported")`,
    );
  }
  const [first] = items;
  return first === undefined ? undefined : readHealthCheck(first.value, first.path, context);
}
