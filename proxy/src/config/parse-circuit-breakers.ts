import type { CircuitBreakerThresholds, ClusterConfig } from '../types.js';
import { CLUSTER_LIMITS, DEFAULT_CIRCUIT_BREAKER_THRESHOLDS } from './defaults.js';
import { CLUSTER_SCHEMAS } from './cluster-schemas.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import {
  readChildMapping,
  readEnum,
  readInteger,
  readList,
  readMapping,
  type ListItem,
  type Mapping,
} from './read-fields.js';

const PRIORITIES = ['DEFAULT', 'HIGH'] as const;
const LIMIT = { min: 0, max: CLUSTER_LIMITS.maxUint32 } as const;

function readThresholds(item: ListItem, context: ReadContext) {
  const thresholds = readMapping(item.value, item.path, context, CLUSTER_SCHEMAS.thresholds);
  if (thresholds === undefined) return undefined;
  const defaults = DEFAULT_CIRCUIT_BREAKER_THRESHOLDS;
  const values: CircuitBreakerThresholds = {
    maxConnections: readInteger(thresholds, 'max_connections', context, LIMIT) ?? defaults.maxConnections,
    maxPendingRequests:
      readInteger(thresholds, 'max_pending_requests', context, LIMIT) ?? defaults.maxPendingRequests,
    maxRequests: readInteger(thresholds, 'max_requests', context, LIMIT) ?? defaults.maxRequests,
    maxRetries: readInteger(thresholds, 'max_retries', context, LIMIT) ?? defaults.maxRetries,
  };
  const priority = readEnum(thresholds, 'priority', context, PRIORITIES) ?? 'DEFAULT';
  return { priority, values, path: item.path };
}

/** Reads `circuit_breakers.thresholds` per priority; unset limits keep Envoy's 1024/1024/1024/3. */
export function readCircuitBreakers(
  cluster: Mapping,
  context: ReadContext,
): ClusterConfig['circuitBreakers'] {
  const breakers = readChildMapping(cluster, 'circuit_breakers', context, CLUSTER_SCHEMAS.circuitBreakers);
  const items = breakers === undefined ? [] : (readList(breakers, 'thresholds', context) ?? []);
  const byPriority = new Map<string, { values: CircuitBreakerThresholds; path: string }>();
  for (const read of items.map((item) => readThresholds(item, context))) {
    if (read === undefined) continue;
    const first = byPriority.get(read.priority);
    if (first === undefined) byPriority.set(read.priority, read);
    else
      reportIssue(
        context,
        joinPath(read.path, 'priority'),
        `duplicate thresholds for priority ${read.priority} (also ${first.path})`,
      );
  }
  return {
    default: byPriority.get('DEFAULT')?.values ?? DEFAULT_CIRCUIT_BREAKER_THRESHOLDS,
    high: byPriority.get('HIGH')?.values ?? DEFAULT_CIRCUIT_BREAKER_THRESHOLDS,
  };
}
