import { describeValue } from '../validation/describe-value.js';
import { isRecord } from '../validation/is-record.js';
import { joinPath } from '../validation/join-path.js';
import type { IssueSink } from './read-fields.js';
import { readChoice, readDuration, readInteger, readMapping } from './read-fields.js';
import { SCENARIO_LIMITS } from './scenario-defaults.js';
import { LATENCY_DISTRIBUTIONS } from './types.js';
import type { LatencySpec } from './types.js';

/** The behaviour fields `upstream` and each `upstream.pods[i]` may set. */
export const BEHAVIOR_KEYS = ['capacity', 'latency', 'errorRate'] as const;
const LATENCY_KEYS = ['distribution', 'value', 'p50', 'p99'];
/** The keys each distribution takes, besides `distribution`. */
const DISTRIBUTION_KEYS: Readonly<Record<LatencySpec['distribution'], readonly string[]>> = {
  fixed: ['value'],
  exponential: ['p50'],
  lognormal: ['p50', 'p99'],
};
const LATENCY_EXAMPLE = '{ distribution: lognormal, p50: 5ms, p99: 40ms }';

/** Reads `capacity`, `latency` and `errorRate` of a mapping at `path`; undefined for each one left out. */
export function readBehaviorFields(
  raw: Readonly<Record<string, unknown>>,
  path: string,
  issues: IssueSink,
): BehaviorFields {
  const latency =
    raw.latency === undefined ? undefined : readLatency(raw.latency, joinPath(path, 'latency'), issues);
  return {
    ...(raw.capacity === undefined
      ? {}
      : {
          capacity: readInteger(
            raw.capacity,
            joinPath(path, 'capacity'),
            SCENARIO_LIMITS.podCapacity,
            1,
            issues,
          ),
        }),
    ...(latency === undefined ? {} : { latency }),
    ...(raw.errorRate === undefined
      ? {}
      : { errorRate: readErrorRate(raw.errorRate, joinPath(path, 'errorRate'), issues) }),
  };
}

/** The behaviour fields a mapping set; a field left out is absent. */
export interface BehaviorFields {
  readonly capacity?: number;
  readonly latency?: LatencySpec;
  readonly errorRate?: number;
}

function readErrorRate(value: unknown, path: string, issues: IssueSink): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) return value;
  issues.push({
    path,
    message: `must be a number from 0 to 1 (the share of requests answered 503), got ${describeValue(value)}`,
  });
  return 0;
}

/** Reads `latency: { distribution, value | p50 [, p99] }`; undefined (with an issue) when unusable. */
export function readLatency(value: unknown, path: string, issues: IssueSink): LatencySpec | undefined {
  if (!isRecord(value)) {
    issues.push({ path, message: `must be a mapping like ${LATENCY_EXAMPLE}, got ${describeValue(value)}` });
    return undefined;
  }
  const raw = readMapping(value, path, LATENCY_KEYS, issues);
  if (raw.distribution === undefined) {
    issues.push({
      path: joinPath(path, 'distribution'),
      message: `is required: one of ${LATENCY_DISTRIBUTIONS.join(', ')}`,
    });
    return undefined;
  }
  const before = issues.length;
  const distribution = readChoice(
    raw.distribution,
    joinPath(path, 'distribution'),
    LATENCY_DISTRIBUTIONS,
    'fixed',
    issues,
  );
  if (issues.length > before) return undefined;
  const wanted = DISTRIBUTION_KEYS[distribution];
  for (const key of LATENCY_KEYS.slice(1)) {
    const keyPath = joinPath(path, key);
    if (raw[key] === undefined && wanted.includes(key)) {
      issues.push({ path: keyPath, message: `is required for distribution ${distribution}` });
    } else if (raw[key] !== undefined && !wanted.includes(key)) {
      issues.push({
        path: keyPath,
        message: `does not apply to distribution ${distribution}, which takes ${wanted.join(' and ')}`,
      });
    }
  }
  if (issues.length > before) return undefined;
  return readDistribution(distribution, raw, path, issues);
}

function readDistribution(
  distribution: LatencySpec['distribution'],
  raw: Readonly<Record<string, unknown>>,
  path: string,
  issues: IssueSink,
): LatencySpec | undefined {
  const read = (key: string, minMs: number): number =>
    readDuration(
      raw[key],
      joinPath(path, key),
      { minMs, maxMs: SCENARIO_LIMITS.delayMs.maxMs },
      minMs,
      issues,
    );
  switch (distribution) {
    case 'fixed':
      return { distribution, valueMs: read('value', 0) };
    case 'exponential':
      return { distribution, p50Ms: read('p50', 0.001) };
    case 'lognormal': {
      const before = issues.length;
      const p50Ms = read('p50', 0.001);
      const p99Ms = read('p99', 0.001);
      if (issues.length > before) return undefined;
      if (p99Ms <= p50Ms) {
        issues.push({
          path: joinPath(path, 'p99'),
          message: `must be above p50 (${p50Ms} ms) for a lognormal latency, got ${describeValue(raw.p99)}`,
        });
        return undefined;
      }
      return { distribution, p50Ms, p99Ms };
    }
  }
}
