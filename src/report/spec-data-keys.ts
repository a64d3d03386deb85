import type { ResultsFile, RunRecord } from '../results/types.js';
import type { ScenarioEvent } from '../scenario/types.js';
import { KEY_METRIC_NAMES } from '../stats/types.js';
import type { KeyMetricName } from '../stats/types.js';
import { describeEvent } from './spec-data-events.js';
import { listRunLabels } from './spec-data-rates.js';

/** One line per key metric, as the report explains it. */
export const KEY_METRIC_DESCRIPTIONS: Readonly<Record<KeyMetricName, string>> = {
  key_affinity:
    "share of keyed responses that came from their key's most frequent pod, within each period between host-set changes (1 = every key stuck to one pod)",
  keys_moved:
    'per host-set change (scale, kill): share of the keys seen before and after whose most frequent pod changed; the worst event of a run',
  hot_pod_share:
    'the largest share of keyed responses one pod served: with skewed keys, the pod that holds the hottest keys',
};

/** One bar of the keys-moved chart: a run's share of keys moved at one of its host-set changes. */
export interface KeysMovedPoint {
  /** The row's name (the field every chart colours by). */
  readonly policy: string;
  readonly run: string;
  /** The event, e.g. `scale → 5 at 10 s`. */
  readonly event: string;
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

/** Every run's keys-moved share per host-set change, in run order; events without a shared key are left out. */
export function buildKeysMovedPoints(results: ResultsFile): readonly KeysMovedPoint[] {
  return listRunLabels(results).flatMap(({ run, label }) =>
    (run.keyFigures?.events ?? []).flatMap((figure) => {
      const event = run.events.find((applied) => applied.atMs === figure.atMs && applied.action !== 'slow');
      if (!Number.isFinite(figure.share) || event === undefined) return [];
      return [
        {
          policy: run.row,
          run: label,
          event: `${describeEvent(event)} at ${formatSeconds(figure.atMs)}`,
          share: figure.share,
          keysMoved: figure.keysMoved,
          keysSeenBoth: figure.keysSeenBoth,
          minimalShare: computeMinimalShare(results.scenario.replicas, results.scenario.events, event),
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
 * The share of keys a perfectly consistent hash moves at `event`: a scale from n to m pods moves |m − n| / max(m, n)
 * (the keys of the hosts that joined or left), a kill 1 / n; undefined for other events.
 */
function computeMinimalShare(
  replicas: number,
  events: readonly ScenarioEvent[],
  event: ScenarioEvent,
): number | undefined {
  let running = replicas;
  for (const candidate of events) {
    const before = running;
    if (candidate.action === 'scale') running = candidate.replicas;
    if (candidate.action === 'kill') running = Math.max(0, running - 1);
    if (candidate.atMs !== event.atMs || candidate.action !== event.action) continue;
    if (candidate.action === 'scale') {
      const larger = Math.max(before, running);
      return larger > 0 ? Math.abs(running - before) / larger : undefined;
    }
    if (candidate.action === 'kill') return before > 0 ? 1 / before : undefined;
    return undefined;
  }
  return undefined;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}
