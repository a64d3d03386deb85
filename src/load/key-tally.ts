import { LbbenchError } from '../errors.js';
import type { ScenarioEvent } from '../scenario/types.js';

/** Responses per pod of one key, by pod name. */
export type PodCounts = Readonly<Record<string, number>>;

/**
 * Which pod answered each key, per period between events (see {@link listKeyPeriodBoundariesMs}): compact (key → pod → responses) and exactly
 * mergeable over generators. A response falls in the period of its completion time, in ms after the measured
 * window started.
 */
export interface KeyTally {
  /** Where one period ends and the next begins, ascending, ms after the measured start (the events' scheduled times). */
  readonly boundariesMs: readonly number[];
  /** `boundariesMs.length + 1` periods, each key → pod → responses; only keys and pods that were seen. */
  readonly periods: readonly Readonly<Record<string, PodCounts>>[];
}

/** The event kinds that change the proxy's host set (the pods the Service's DNS name answers with). */
const HOST_SET_ACTIONS: ReadonlySet<ScenarioEvent['action']> = new Set(['scale', 'kill']);

/**
 * Whether an event kind changes the proxy's host set: `scale` and `kill`. A pod fault (`fail`, `hang`, `recover`)
 * keeps the pod in the host set; it moves keys only when outlier detection or a health check ejects the pod.
 */
export function isHostSetAction(action: ScenarioEvent['action']): boolean {
  return HOST_SET_ACTIONS.has(action);
}

/**
 * The times at which a scenario's events may change which pod answers a key, ascending and distinct: the host-set
 * changes (`scale`, `kill`) and the pod faults (`fail`, `hang`, `recover`, through an ejection); not `slow`, which
 * only changes a pod's latency.
 */
export function listKeyPeriodBoundariesMs(events: readonly ScenarioEvent[]): number[] {
  const times = events.filter((event) => event.action !== 'slow').map((event) => event.atMs);
  return [...new Set(times)].sort((a, b) => a - b);
}

/** Counts responses per key, pod and period as they complete. */
export class KeyTallyCounter {
  readonly #boundariesMs: readonly number[];
  readonly #periods: Map<string, Map<string, number>>[];

  constructor(boundariesMs: readonly number[]) {
    this.#boundariesMs = [...boundariesMs];
    this.#periods = Array.from(
      { length: boundariesMs.length + 1 },
      () => new Map<string, Map<string, number>>(),
    );
  }

  /** Counts one response of `key` from `pod`, completed `tMs` after the measured start. */
  record(key: string, pod: string, tMs: number): void {
    const period = this.#periods[findPeriod(this.#boundariesMs, tMs)];
    if (period === undefined) return;
    let pods = period.get(key);
    if (pods === undefined) {
      pods = new Map();
      period.set(key, pods);
    }
    pods.set(pod, (pods.get(pod) ?? 0) + 1);
  }

  /** The counts so far as plain data. */
  snapshot(): KeyTally {
    return {
      boundariesMs: this.#boundariesMs,
      periods: this.#periods.map((period) =>
        Object.fromEntries([...period].map(([key, pods]) => [key, Object.fromEntries(pods)])),
      ),
    };
  }
}

/** The period of a time: the number of boundaries at or before it. */
function findPeriod(boundariesMs: readonly number[], tMs: number): number {
  let period = 0;
  while (period < boundariesMs.length && tMs >= (boundariesMs[period] ?? Infinity)) period += 1;
  return period;
}

/**
 * Sums two tallies of the same periods key by key and pod by pod: associative and commutative.
 * @throws LbbenchError (LBB_COLLECT) when their period boundaries differ (the generators were not given the same events).
 */
export function mergeKeyTallies(a: KeyTally, b: KeyTally): KeyTally {
  const isSamePeriods =
    a.boundariesMs.length === b.boundariesMs.length &&
    a.boundariesMs.every((boundary, index) => boundary === b.boundariesMs[index]);
  if (!isSamePeriods) {
    throw new LbbenchError(
      'LBB_COLLECT',
      `key tallies with different periods cannot be merged: boundaries [${a.boundariesMs.join(', ')}] ms and [${b.boundariesMs.join(', ')}] ms`,
    );
  }
  return {
    boundariesMs: a.boundariesMs,
    periods: a.periods.map((period, index) => mergePeriod(period, b.periods[index] ?? {})),
  };
}

function mergePeriod(
  a: Readonly<Record<string, PodCounts>>,
  b: Readonly<Record<string, PodCounts>>,
): Record<string, PodCounts> {
  const merged: Record<string, PodCounts> = { ...a };
  for (const [key, pods] of Object.entries(b)) {
    const sum: Record<string, number> = { ...merged[key] };
    for (const [pod, count] of Object.entries(pods)) sum[pod] = (sum[pod] ?? 0) + count;
    merged[key] = sum;
  }
  return merged;
}
