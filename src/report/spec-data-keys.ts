import type { ResultsFile, RunRecord } from '../results/types.js';
import type { ScenarioEvent } from '../scenario/types.js';
import { KEY_METRIC_NAMES } from '../stats/types.js';
import type { KeyMetricName } from '../stats/types.js';
import { isHostSetAction } from '../load/key-tally.js';
import { describeEvent } from './spec-data-events.js';
import { listRunLabels } from './spec-data-rates.js';

/** One line per key metric, as the report explains it. */
export const KEY_METRIC_DESCRIPTIONS: Readonly<Record<KeyMetricName, string>> = {
  key_affinity:
    "share of keyed responses that came from their key's most frequent pod, within each period between events (1 = every key stuck to one pod)",
  keys_moved:
    'per host-set change (scale, kill): share of the keys seen before and after whose most frequent pod changed; the worst event of a run (pod faults, fail/hang/recover, are charted but not counted)',
  hot_pod_share:
    'the largest share of keyed responses one pod served: with skewed keys, the pod that holds the hottest keys',
};

/** One bar of the keys-moved chart: a run's share of keys moved at one of its events. */
export interface KeysMovedPoint {
  /** The row's name (the field every chart colours by). */
  readonly policy: string;
  readonly run: string;
  /**
   * The events at that time, e.g. `scale → 5 at 10 s`, `kill #1 + scale → 4 at 3 s`; a pod fault alone is marked
   * `fail #1 at 3 s (no host-set change)`.
   */
  readonly event: string;
  /** Whether the events changed the host set (scale, kill); only those count towards `keys_moved`. */
  readonly isHostSetChange: boolean;
  readonly share: number;
  readonly keysMoved: number;
  readonly keysSeenBoth: number;
  /** The least share any balancer must move (the hosts that joined or left over the hosts after or before), when known. */
  readonly minimalShare: number | undefined;
}

/** Whether any run recorded keys, i.e. the scenario sent them. */
export function hasKeyFigures(results: ResultsFile): boolean {
  return results.runs.some((run) => run.keyFigures !== undefined);
}

/**
 * Every run's keys-moved share per period boundary (host-set change or pod fault), in run order, labelled with
 * every event applied at that time; boundaries without a shared key, or whose events were not applied, are left out.
 */
export function buildKeysMovedPoints(results: ResultsFile): readonly KeysMovedPoint[] {
  return listRunLabels(results).flatMap(({ run, label }) =>
    (run.keyFigures?.events ?? []).flatMap((figure) => {
      const events = run.events.filter(
        (applied) => applied.atMs === figure.atMs && applied.action !== 'slow',
      );
      if (!Number.isFinite(figure.share) || events.length === 0) return [];
      const isHostSetChange = events.some((event) => isHostSetAction(event.action));
      const names = events.map(describeEvent).join(' + ');
      return [
        {
          policy: run.row,
          run: label,
          event: `${names} at ${formatSeconds(figure.atMs)}${isHostSetChange ? '' : ' (no host-set change)'}`,
          isHostSetChange,
          share: figure.share,
          keysMoved: figure.keysMoved,
          keysSeenBoth: figure.keysSeenBoth,
          minimalShare: computeMinimalShare(results.scenario.replicas, results.scenario.events, figure.atMs),
        },
      ];
    }),
  );
}

/** A run's key metrics (NaN where absent), for the report's keys tables. */
export function readKeyMetrics(run: RunRecord): Readonly<Record<KeyMetricName, number>> {
  const values = run.metrics as Partial<RunRecord['metrics']>;
  return Object.fromEntries(KEY_METRIC_NAMES.map((name) => [name, values[name] ?? Number.NaN])) as Record<
    KeyMetricName,
    number
  >;
}

/**
 * The share of keys a perfectly consistent hash moves across the host-set changes at `atMs`: from n pods before to
 * m after, |m − n| / max(m, n) (the keys of the hosts that joined or left; a kill of one of n pods moves 1 / n).
 * Undefined when nothing there changes the host set: a pod fault moves keys only if the pod is ejected.
 */
function computeMinimalShare(
  replicas: number,
  events: readonly ScenarioEvent[],
  atMs: number,
): number | undefined {
  let running = replicas;
  let before: number | undefined;
  for (const event of events) {
    if (event.atMs > atMs) break;
    if (event.atMs === atMs && isHostSetAction(event.action)) before ??= running;
    if (event.action === 'scale') running = event.replicas;
    if (event.action === 'kill') running = Math.max(0, running - 1);
  }
  if (before === undefined) return undefined;
  const larger = Math.max(before, running);
  return larger > 0 ? Math.abs(running - before) / larger : undefined;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}
