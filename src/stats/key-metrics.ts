import { isHostSetAction, type KeyTally, type PodCounts } from '../load/key-tally.js';
import type { ScenarioEvent } from '../scenario/types.js';
import type { KeyMetricName } from './types.js';

/** What the events at one period boundary did to the keys: of the keys seen on both sides, how many changed majority pod. */
export interface KeysMovedFigure {
  /** The boundary between the two periods, ms after the measured start (the event's scheduled time). */
  readonly atMs: number;
  /** The kinds of the scenario's events at that time, in scenario order (`scale`, `kill`, `fail`, `hang`, `recover`). */
  readonly actions: readonly ScenarioEvent['action'][];
  /**
   * Whether one of them changes the host set (`scale`, `kill`): only those count towards `keys_moved`. A pod fault
   * alone moves keys only through an ejection (outlier detection, health checks).
   */
  readonly isHostSetChange: boolean;
  /** Keys with responses both in the period before and in the period after. */
  readonly keysSeenBoth: number;
  /** The part of them whose majority pod differs between the two periods. */
  readonly keysMoved: number;
  /** keysMoved / keysSeenBoth; NaN when no key was seen on both sides. */
  readonly share: number;
}

/** The key figures of one run, computed from its key tally. */
export interface KeyFigures {
  /** Distinct keys with at least one response. */
  readonly keys: number;
  /** Responses with a key and a pod header. */
  readonly responses: number;
  /** Share of the responses that went to their key's majority pod of the period (see {@link computeKeyFigures}). */
  readonly keyAffinity: number;
  /** The pod that answered the most keyed responses, and its share of them. */
  readonly hotPod: string | undefined;
  readonly hotPodShare: number;
  /** One per period boundary (a host-set change or a pod fault), in time order. */
  readonly events: readonly KeysMovedFigure[];
}

/** Why a key metric has no value, for gate messages. */
export const KEY_METRIC_ABSENCE: Readonly<Record<KeyMetricName, string>> = {
  key_affinity: 'the scenario sends no keys (set load.keys), or no keyed request got a response',
  keys_moved:
    'the scenario sends no keys (set load.keys), has no event that changes the host set (scale, kill), or no key was seen both before and after one',
  hot_pod_share: 'the scenario sends no keys (set load.keys), or no keyed request got a response',
};

/**
 * A run's key figures, given the scenario's events (which name each period boundary of the tally). Per period
 * (between events that may move keys, see `listKeyPeriodBoundariesMs`) a key's majority pod is the pod that answered it
 * most (ties go to the pod name first in code-unit order, so the result is deterministic):
 * - key affinity = Σ over periods and keys of the majority pod's count / all keyed responses; 1 when every key
 *   stuck to one pod within each period;
 * - keys moved, per boundary = share of the keys seen in both adjacent periods whose majority pod differs, with the
 *   kinds of events there and whether they changed the host set;
 * - hot pod share = the largest pod share of all keyed responses (under skewed keys, the pod of the hot keys).
 */
export function computeKeyFigures(tally: KeyTally, events: readonly ScenarioEvent[]): KeyFigures {
  let responses = 0;
  let majorityResponses = 0;
  const keys = new Set<string>();
  const podTotals = new Map<string, number>();
  const majorities = tally.periods.map((period) => {
    const majority = new Map<string, string>();
    for (const [key, pods] of Object.entries(period)) {
      keys.add(key);
      const top = findMajorityPod(pods);
      if (top === undefined) continue;
      majority.set(key, top.pod);
      majorityResponses += top.count;
      for (const [pod, count] of Object.entries(pods)) {
        responses += count;
        podTotals.set(pod, (podTotals.get(pod) ?? 0) + count);
      }
    }
    return majority;
  });
  const hot = findMajorityPod(Object.fromEntries(podTotals));
  return {
    keys: keys.size,
    responses,
    keyAffinity: responses > 0 ? majorityResponses / responses : Number.NaN,
    hotPod: hot?.pod,
    hotPodShare: hot === undefined || responses === 0 ? Number.NaN : hot.count / responses,
    events: tally.boundariesMs.map((atMs, index) => {
      const actions = events
        .filter((event) => event.atMs === atMs && event.action !== 'slow')
        .map((event) => event.action);
      return {
        atMs,
        actions,
        isHostSetChange: actions.some(isHostSetAction),
        ...compareMajorities(majorities[index], majorities[index + 1]),
      };
    }),
  };
}

/**
 * The run's key metrics: `keys_moved` is the largest share over its host-set changes (the worst event); boundaries
 * of pod faults alone are left out of it (the report shows them, labelled).
 */
export function reduceKeyMetrics(figures: KeyFigures | undefined): Record<KeyMetricName, number> {
  if (figures === undefined) {
    return { key_affinity: Number.NaN, keys_moved: Number.NaN, hot_pod_share: Number.NaN };
  }
  const shares = figures.events
    .filter((event) => event.isHostSetChange)
    .map((event) => event.share)
    .filter(Number.isFinite);
  return {
    key_affinity: figures.keyAffinity,
    keys_moved: shares.length > 0 ? Math.max(...shares) : Number.NaN,
    hot_pod_share: figures.hotPodShare,
  };
}

function compareMajorities(
  before: ReadonlyMap<string, string> | undefined,
  after: ReadonlyMap<string, string> | undefined,
): Pick<KeysMovedFigure, 'keysSeenBoth' | 'keysMoved' | 'share'> {
  let keysSeenBoth = 0;
  let keysMoved = 0;
  for (const [key, podBefore] of before ?? []) {
    const podAfter = after?.get(key);
    if (podAfter === undefined) continue;
    keysSeenBoth += 1;
    if (podAfter !== podBefore) keysMoved += 1;
  }
  return { keysSeenBoth, keysMoved, share: keysSeenBoth > 0 ? keysMoved / keysSeenBoth : Number.NaN };
}

function findMajorityPod(pods: PodCounts): { pod: string; count: number } | undefined {
  let best: { pod: string; count: number } | undefined;
  for (const [pod, count] of Object.entries(pods)) {
    if (count <= 0) continue;
    if (best === undefined || count > best.count || (count === best.count && pod < best.pod)) {
      best = { pod, count };
    }
  }
  return best;
}
