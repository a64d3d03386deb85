import type { ResultsFile, RunRecord } from '../results/types.js';
import type { MetricName } from '../stats/types.js';
import { compareLabels } from './format.js';
import { listPolicies, sortRuns } from './run-status.js';
import { getPolicyMetric } from './verdict.js';

/** z of a two-sided 95% normal interval. */
const Z_95 = 1.959963984540054;

/** A row of the share chart: a pod's pooled share, one repetition's share, or a policy's null band. */
export type ShareRow =
  | {
      readonly kind: 'pooled';
      readonly policy: string;
      readonly pod: string;
      readonly podLabel: string;
      readonly requests: number;
      readonly share: number;
      readonly band: 'inside' | 'outside';
    }
  | {
      readonly kind: 'repetition';
      readonly policy: string;
      readonly pod: string;
      readonly repetition: number;
      readonly share: number;
    }
  | {
      readonly kind: 'null';
      readonly policy: string;
      readonly expectedShare: number;
      readonly bandLow: number;
      readonly bandHigh: number;
      readonly requests: number;
      readonly pods: number;
    };

/** Returns the label a host is shown under: its pod name, else its address. */
export function getHostLabel(host: { readonly address: string; readonly pod: string | undefined }): string {
  return host.pod ?? host.address;
}

/** Lists every pod label seen in the runs, naturally sorted. */
export function listPods(runs: readonly RunRecord[]): readonly string[] {
  return [...new Set(runs.flatMap((run) => run.hosts.map(getHostLabel)))].sort(compareLabels);
}

/** Short axis labels for pods: their common prefix, cut back to a separator, removed when that leaves labels. */
export interface PodAbbreviation {
  readonly prefix: string;
  readonly labelOf: (pod: string) => string;
}

/** Finds the common prefix of pod names (up to the last `-`, `.`, `:`, `_` or `/` in it) to shorten axis labels. */
export function abbreviatePods(pods: readonly string[]): PodAbbreviation {
  const first = pods[0] ?? '';
  let length = pods.length < 2 ? 0 : first.length;
  for (const pod of pods) {
    while (length > 0 && !pod.startsWith(first.slice(0, length))) {
      length -= 1;
    }
  }
  const cut = Math.max(
    ...['-', '.', ':', '_', '/'].map((separator) => first.lastIndexOf(separator, length - 1)),
  );
  const prefix = length === 0 || cut < 0 ? '' : first.slice(0, cut + 1);
  const shortened = new Set(pods.map((pod) => pod.slice(prefix.length)));
  const isUsable = prefix !== '' && shortened.size === pods.length && !shortened.has('');
  return isUsable
    ? { prefix, labelOf: (pod) => (pod.startsWith(prefix) ? pod.slice(prefix.length) : pod) }
    : { prefix: '', labelOf: (pod) => pod };
}

/** Per-pod shares pooled over a policy's repetitions, each repetition's shares, and the uniform-random 95% band. */
export function buildShareRows(results: ResultsFile): readonly ShareRow[] {
  const { labelOf } = abbreviatePods(listPods(results.runs));
  const sorted = sortRuns(results);
  return listPolicies(results).flatMap((policy) => {
    const runs = sorted.filter((run) => run.row === policy);
    const pods = listPods(runs);
    const total = runs.reduce(
      (sum, run) => sum + run.hosts.reduce((acc, host) => acc + host.delta.rq_total, 0),
      0,
    );
    if (runs.length === 0 || pods.length === 0 || total === 0) {
      return [];
    }
    const expectedShare = 1 / pods.length;
    const halfWidth = Z_95 * Math.sqrt((expectedShare * (1 - expectedShare)) / total);
    const band = {
      bandLow: Math.max(0, expectedShare - halfWidth),
      bandHigh: Math.min(1, expectedShare + halfWidth),
    };
    const pooled = pods.map((pod): ShareRow => {
      const requests = sumPodRequests(runs, pod);
      const share = requests / total;
      const isInside = share >= band.bandLow && share <= band.bandHigh;
      const podLabel = labelOf(pod);
      return {
        kind: 'pooled',
        policy,
        pod,
        podLabel,
        requests,
        share,
        band: isInside ? 'inside' : 'outside',
      };
    });
    const repetitions =
      runs.length < 2 ? [] : runs.flatMap((run) => buildRepetitionShares(run, pods, labelOf));
    const nullRow: ShareRow = {
      kind: 'null',
      policy,
      expectedShare,
      ...band,
      requests: total,
      pods: pods.length,
    };
    return [nullRow, ...pooled, ...repetitions];
  });
}

function sumPodRequests(runs: readonly RunRecord[], pod: string): number {
  return runs
    .flatMap((run) => run.hosts.filter((host) => getHostLabel(host) === pod))
    .reduce((sum, host) => sum + host.delta.rq_total, 0);
}

function buildRepetitionShares(
  run: RunRecord,
  pods: readonly string[],
  labelOf: (pod: string) => string,
): readonly ShareRow[] {
  const total = run.hosts.reduce((sum, host) => sum + host.delta.rq_total, 0);
  if (total === 0) {
    return [];
  }
  return pods.map((pod) => ({
    kind: 'repetition',
    policy: run.row,
    pod,
    podLabel: labelOf(pod),
    repetition: run.repetition,
    share: sumPodRequests([run], pod) / total,
  }));
}

/** Latency percentiles in chart order with the metric each comes from. */
export const LATENCY_PERCENTILES: readonly { readonly label: string; readonly metric: MetricName }[] = [
  { label: 'p50', metric: 'p50_ms' },
  { label: 'p90', metric: 'p90_ms' },
  { label: 'p99', metric: 'p99_ms' },
  { label: 'p99.9', metric: 'p999_ms' },
  { label: 'max', metric: 'max_ms' },
];

/** A point of the latency chart; `plotMs` is `valueMs` raised to the resolution so a log axis can show it. */
export interface LatencyPoint {
  readonly policy: string;
  readonly percentile: string;
  readonly valueMs: number;
  readonly plotMs: number;
  readonly resolution: 'measured' | 'below resolution';
}

/** The smallest latency step any run of the results can tell apart (0 = exact). */
export function getLatencyResolutionMs(results: ResultsFile): number {
  return Math.max(0, ...results.runs.map((run) => run.load.latency.resolutionMs));
}

/** Latency percentiles per policy (medians over repetitions), ready for a log axis. */
export function buildLatencyPoints(results: ResultsFile): readonly LatencyPoint[] {
  const floorMs = getLatencyResolutionMs(results) || 0.001;
  return listPolicies(results)
    .filter((policy) => results.runs.some((run) => run.row === policy))
    .flatMap((policy) =>
      LATENCY_PERCENTILES.map(({ label, metric }) => ({
        label,
        valueMs: getPolicyMetric(results, policy, metric),
      }))
        .filter(({ valueMs }) => Number.isFinite(valueMs))
        .map(({ label, valueMs }) => ({
          policy,
          percentile: label,
          valueMs,
          plotMs: Math.max(valueMs, floorMs),
          resolution: valueMs < floorMs ? 'below resolution' : 'measured',
        })),
    );
}
