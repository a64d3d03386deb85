import type { ClusterConfig, LbPolicy, SlowStartConfig } from '../types.js';
import { CLUSTER_DEFAULTS, CLUSTER_LIMITS, SLOW_START_DEFAULTS } from './defaults.js';
import { CLUSTER_SCHEMAS } from './cluster-schemas.js';
import { joinPath, reportIgnored, reportIssue, type ReadContext } from './read-context.js';
import {
  isRecord,
  readChildMapping,
  readDurationMs,
  readEnum,
  readInteger,
  readNumber,
  type Mapping,
} from './read-fields.js';

/** The balancer part of a {@link ClusterConfig}. */
export type LbSettings = Pick<ClusterConfig, 'roundRobin' | 'leastRequest' | 'ringHash' | 'maglev'>;

const POLICY_BY_CONFIG: Readonly<Record<string, LbPolicy>> = {
  round_robin_lb_config: 'ROUND_ROBIN',
  least_request_lb_config: 'LEAST_REQUEST',
  ring_hash_lb_config: 'RING_HASH',
  maglev_lb_config: 'MAGLEV',
};

function isPrime(value: number): boolean {
  if (value < 2) return false;
  for (let divisor = 2; divisor * divisor <= value; divisor++) if (value % divisor === 0) return false;
  return true;
}

// `active_request_bias` is a RuntimeDouble ({default_value, runtime_key}); a plain number is accepted too.
function readActiveRequestBias(config: Mapping, context: ReadContext): number | undefined {
  const value = config.fields.active_request_bias;
  const path = joinPath(config.path, 'active_request_bias');
  const bias = isRecord(value)
    ? readChildMapping(config, 'active_request_bias', context, CLUSTER_SCHEMAS.runtimeDouble)
    : undefined;
  const number =
    bias === undefined
      ? readNumber(config, 'active_request_bias', context)
      : readNumber(bias, 'default_value', context);
  if (number === undefined || number >= 0) return number;
  // Envoy warns and uses 1.0 for a negative bias, so the configured value changes nothing.
  reportIgnored(context, bias === undefined ? path : joinPath(path, 'default_value'));
  return undefined;
}

/** Reads a RuntimeDouble field (`{default_value, runtime_key}`) or a plain number. */
function readRuntimeDouble(config: Mapping, key: string, context: ReadContext): number | undefined {
  if (!isRecord(config.fields[key])) return readNumber(config, key, context);
  const runtime = readChildMapping(config, key, context, CLUSTER_SCHEMAS.runtimeDouble);
  return runtime && readNumber(runtime, 'default_value', context);
}

/**
 * Reads a `slow_start_config` (Envoy's SlowStartConfig); undefined without one or without a window, which Envoy
 * treats as slow start off. `aggression` defaults to 1.0 (≤ 0 acts as 1.0, as Envoy logs and does),
 * `min_weight_percent` to 10.
 */
function readSlowStart(config: Mapping, context: ReadContext): SlowStartConfig | undefined {
  const slowStart = readChildMapping(config, 'slow_start_config', context, CLUSTER_SCHEMAS.slowStartConfig);
  if (slowStart === undefined) return undefined;
  const windowMs = readDurationMs(slowStart, 'slow_start_window', context);
  const aggression = readRuntimeDouble(slowStart, 'aggression', context) ?? SLOW_START_DEFAULTS.aggression;
  const percent = readChildMapping(slowStart, 'min_weight_percent', context, CLUSTER_SCHEMAS.percent);
  const minWeightPercent =
    (percent && readNumber(percent, 'value', context)) ?? SLOW_START_DEFAULTS.minWeightPercent;
  if (minWeightPercent < 0 || minWeightPercent > 100) {
    const message = `must be a percentage from 0 to 100, got ${minWeightPercent}`;
    reportIssue(context, joinPath(slowStart.path, 'min_weight_percent.value'), message);
  }
  if (windowMs === undefined || windowMs === 0) {
    // Envoy enables slow start only for a positive window; without one the other settings change nothing.
    reportIgnored(context, slowStart.path);
    return undefined;
  }
  return { windowMs: Math.floor(windowMs), aggression, minWeightPercent };
}

function readRoundRobin(cluster: Mapping, context: ReadContext): LbSettings['roundRobin'] {
  const config = readChildMapping(
    cluster,
    'round_robin_lb_config',
    context,
    CLUSTER_SCHEMAS.roundRobinLbConfig,
  );
  return { slowStart: config && readSlowStart(config, context) };
}

function readLeastRequest(cluster: Mapping, context: ReadContext): LbSettings['leastRequest'] {
  const config = readChildMapping(
    cluster,
    'least_request_lb_config',
    context,
    CLUSTER_SCHEMAS.leastRequestLbConfig,
  );
  const defaults = CLUSTER_DEFAULTS.leastRequest;
  if (config === undefined) return defaults;
  return {
    choiceCount:
      readInteger(config, 'choice_count', context, { min: 2, max: CLUSTER_LIMITS.maxUint32 }) ??
      defaults.choiceCount,
    activeRequestBias: readActiveRequestBias(config, context) ?? defaults.activeRequestBias,
    slowStart: readSlowStart(config, context),
  };
}

function readRingHash(cluster: Mapping, context: ReadContext): LbSettings['ringHash'] {
  const config = readChildMapping(cluster, 'ring_hash_lb_config', context, CLUSTER_SCHEMAS.ringHashLbConfig);
  const defaults = CLUSTER_DEFAULTS.ringHash;
  if (config === undefined) return defaults;
  const bounds = { min: 1, max: CLUSTER_LIMITS.maxRingSize };
  const minimumRingSize =
    readInteger(config, 'minimum_ring_size', context, bounds) ?? defaults.minimumRingSize;
  const maximumRingSize =
    readInteger(config, 'maximum_ring_size', context, bounds) ?? defaults.maximumRingSize;
  if (minimumRingSize > maximumRingSize) {
    const message = `must not exceed maximum_ring_size (${maximumRingSize}), got ${minimumRingSize}`;
    reportIssue(context, joinPath(config.path, 'minimum_ring_size'), message);
  }
  const hashFunction = readEnum(config, 'hash_function', context, ['XX_HASH', 'MURMUR_HASH_2'] as const);
  return { minimumRingSize, maximumRingSize, hashFunction: hashFunction ?? defaults.hashFunction };
}

function readMaglev(cluster: Mapping, context: ReadContext): LbSettings['maglev'] {
  const config = readChildMapping(cluster, 'maglev_lb_config', context, CLUSTER_SCHEMAS.maglevLbConfig);
  if (config === undefined) return CLUSTER_DEFAULTS.maglev;
  const tableSize = readInteger(config, 'table_size', context, {
    min: 2,
    max: CLUSTER_LIMITS.maxMaglevTableSize,
  });
  if (tableSize === undefined || isPrime(tableSize))
    return { tableSize: tableSize ?? CLUSTER_DEFAULTS.maglev.tableSize };
  reportIssue(
    context,
    joinPath(config.path, 'table_size'),
    `must be a prime number such as 65537, got ${tableSize}`,
  );
  return CLUSTER_DEFAULTS.maglev;
}

/** Reads the per-policy balancer configs; a config for another policy than `lb_policy` is accepted and ignored. */
export function readLbSettings(cluster: Mapping, lbPolicy: LbPolicy, context: ReadContext): LbSettings {
  for (const [key, policy] of Object.entries(POLICY_BY_CONFIG)) {
    if (cluster.fields[key] !== undefined && policy !== lbPolicy)
      reportIgnored(context, joinPath(cluster.path, key));
  }
  return {
    roundRobin: readRoundRobin(cluster, context),
    leastRequest: readLeastRequest(cluster, context),
    ringHash: readRingHash(cluster, context),
    maglev: readMaglev(cluster, context),
  };
}
