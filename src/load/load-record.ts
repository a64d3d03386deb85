import type { ClientTick, LoadRecord } from '../results/types.js';
import type { LoadSpec } from '../scenario/types.js';
import type { LatencySummary } from '../stats/types.js';

/** The fields of an autocannon result that lbbench reads, after narrowing. */
export interface AutocannonSummary {
  readonly connections: number;
  readonly startMs: number;
  readonly finishMs: number;
  readonly requestsSent: number;
  readonly status2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly latency: {
    /** autocannon's `min` is the smallest non-zero value (hdr `minNonZeroValue`). */
    readonly min: number;
    readonly p0_001: number;
    readonly mean: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly p99_9: number;
    readonly max: number;
    readonly totalCount: number;
  };
}

/** Responses counted per pod from the pod header, and those without it. */
export interface PodTally {
  readonly byPod: Readonly<Record<string, number>>;
  readonly untallied: number;
}

/**
 * Reads the fields lbbench needs from an autocannon result (`unknown` at this boundary).
 * @throws TypeError naming the first field that is missing or not a number.
 */
export function readAutocannonSummary(result: unknown): AutocannonSummary {
  const latency = readObject(result, 'latency');
  const requests = readObject(result, 'requests');
  return {
    connections: readNumber(result, 'connections'),
    startMs: readDateMs(result, 'start'),
    finishMs: readDateMs(result, 'finish'),
    requestsSent: readNumber(requests, 'sent', 'requests.'),
    status2xx: readNumber(result, '2xx'),
    non2xx: readNumber(result, 'non2xx'),
    errors: readNumber(result, 'errors'),
    timeouts: readNumber(result, 'timeouts'),
    latency: {
      min: readNumber(latency, 'min', 'latency.'),
      p0_001: readNumber(latency, 'p0_001', 'latency.'),
      mean: readNumber(latency, 'mean', 'latency.'),
      p50: readNumber(latency, 'p50', 'latency.'),
      p90: readNumber(latency, 'p90', 'latency.'),
      p99: readNumber(latency, 'p99', 'latency.'),
      p99_9: readNumber(latency, 'p99_9', 'latency.'),
      max: readNumber(latency, 'max', 'latency.'),
      totalCount: readNumber(latency, 'totalCount', 'latency.'),
    },
  };
}

/** Maps the measured window's autocannon summary and the client-side pod tally to a {@link LoadRecord}. */
export function buildLoadRecord(input: {
  readonly summary: AutocannonSummary;
  readonly tally: PodTally;
  readonly load: LoadSpec;
  readonly generator: string;
  /** Client ticks of the measured window. */
  readonly ticks: readonly ClientTick[];
}): LoadRecord {
  const { summary, load } = input;
  const responses = summary.status2xx + summary.non2xx;
  const durationMs = Math.max(0, summary.finishMs - summary.startMs);
  return {
    mode: load.rateRps === undefined ? 'closed' : 'open',
    connections: summary.connections,
    rateRps: load.rateRps,
    durationMs,
    warmupMs: load.warmupMs,
    requestsSent: summary.requestsSent,
    responses,
    status2xx: summary.status2xx,
    non2xx: summary.non2xx,
    errors: summary.errors,
    timeouts: summary.timeouts,
    rps: durationMs > 0 ? responses / (durationMs / 1000) : 0,
    latency: toLatencySummary(summary.latency),
    latencySamples: summary.latency.totalCount,
    podTally: input.tally.byPod,
    untallied: input.tally.untallied,
    generator: input.generator,
    ticks: input.ticks,
  };
}

/**
 * autocannon's latency histogram records whole milliseconds (lowestDiscernibleValue 1), hence resolution 1 ms;
 * sub-millisecond answers record as 0, which its `min` (non-zero minimum) skips but the lowest percentile keeps.
 */
function toLatencySummary(latency: AutocannonSummary['latency']): LatencySummary {
  const finite = (value: number): number => (Number.isFinite(value) ? value : 0);
  return {
    minMs: Math.min(finite(latency.min), finite(latency.p0_001)),
    meanMs: finite(latency.mean),
    p50Ms: finite(latency.p50),
    p90Ms: finite(latency.p90),
    p99Ms: finite(latency.p99),
    p999Ms: finite(latency.p99_9),
    maxMs: finite(latency.max),
    resolutionMs: 1,
  };
}

function getField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function readObject(value: unknown, key: string): unknown {
  const field = getField(value, key);
  if (typeof field !== 'object' || field === null) {
    throw new TypeError(`autocannon result: "${key}" must be an object, got ${typeof field}`);
  }
  return field;
}

function readNumber(value: unknown, key: string, prefix = ''): number {
  const field = getField(value, key);
  if (typeof field !== 'number') {
    throw new TypeError(`autocannon result: "${prefix}${key}" must be a number, got ${typeof field}`);
  }
  return field;
}

function readDateMs(value: unknown, key: string): number {
  const field = getField(value, key);
  if (!(field instanceof Date)) {
    throw new TypeError(`autocannon result: "${key}" must be a Date, got ${typeof field}`);
  }
  return field.getTime();
}
