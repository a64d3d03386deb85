import { LbbenchError } from '../errors.js';
import type { LoadCounts } from '../results/types.js';
import type { GeneratorReport, LoadTotals } from './generator-report.js';
import { LATENCY_HISTOGRAM_ENCODING, LOAD_COUNT_NAMES } from './generator-report.js';
import { mergeClientTicks } from './client-ticks.js';
import { mergeKeyTallies } from './key-tally.js';
import { addLatencyHistograms, decodeLatencyHistogram, encodeLatencyHistogram } from './latency-histogram.js';

/** The merged result of every generator of one measured window. */
export interface MergedLoad extends LoadTotals {
  readonly generatorCount: number;
  readonly mode: GeneratorReport['mode'];
  /** The start time the generators waited for. */
  readonly startAtMs: number;
  /** The latest measured start after `startAtMs` (ms): how far the generators were from starting together. */
  readonly startSpreadMs: number;
  /** The generator description of the first generator (they all run the same settings). */
  readonly generator: string;
}

/**
 * Merges two load results exactly: every count and pod tally summed, the latency histograms added (never
 * percentiles averaged), connections and rates summed, the window the union of both. Associative and
 * commutative, so the generators may be merged in any order.
 */
export function mergeLoadTotals(a: LoadTotals, b: LoadTotals): LoadTotals {
  const histogram = addLatencyHistograms([
    decodeLatencyHistogram(a.latency.histogram),
    decodeLatencyHistogram(b.latency.histogram),
  ]);
  return {
    connections: a.connections + b.connections,
    rateRps: a.rateRps === null || b.rateRps === null ? null : a.rateRps + b.rateRps,
    measureStartMs: Math.min(a.measureStartMs, b.measureStartMs),
    measureEndMs: Math.max(a.measureEndMs, b.measureEndMs),
    counts: sumCounts(a.counts, b.counts),
    podTally: sumTallies(a.podTally, b.podTally),
    latency: {
      unit: 'us',
      encoding: LATENCY_HISTOGRAM_ENCODING,
      samples: histogram.totalCount,
      histogram: encodeLatencyHistogram(histogram),
    },
    ticks: mergeClientTicks(a.ticks, b.ticks),
    ...mergeOptionalKeyTallies(a, b),
  };
}

function mergeOptionalKeyTallies(a: LoadTotals, b: LoadTotals): Pick<LoadTotals, 'keyTally'> {
  if (a.keyTally === undefined && b.keyTally === undefined) return {};
  if (a.keyTally === undefined || b.keyTally === undefined) {
    throw new LbbenchError(
      'LBB_COLLECT',
      'the load generator reports do not fit together: some carry a key tally and some do not (were all started with the same --keys-* flags?)',
    );
  }
  return { keyTally: mergeKeyTallies(a.keyTally, b.keyTally) };
}

/**
 * Merges the reports of all generators of one window (each index 0…count−1 exactly once, same mode).
 * @throws LbbenchError (LBB_COLLECT) when a report is missing, repeated or from another run shape.
 */
export function mergeGeneratorReports(reports: readonly GeneratorReport[]): MergedLoad {
  checkReportSet(reports);
  const [first, ...rest] = reports as readonly [GeneratorReport, ...GeneratorReport[]];
  const totals = rest.reduce<LoadTotals>(mergeLoadTotals, first);
  return {
    ...pickTotals(totals),
    generatorCount: first.generatorCount,
    mode: first.mode,
    startAtMs: first.startAtMs,
    startSpreadMs: Math.max(0, ...reports.map((report) => report.measureStartMs - report.startAtMs)),
    generator: first.generator,
  };
}

function pickTotals(totals: LoadTotals): LoadTotals {
  const { connections, rateRps, measureStartMs, measureEndMs, counts, podTally, latency, ticks, keyTally } =
    totals;
  return {
    connections,
    rateRps,
    measureStartMs,
    measureEndMs,
    counts,
    podTally,
    latency,
    ticks,
    ...(keyTally === undefined ? {} : { keyTally }),
  };
}

function checkReportSet(reports: readonly GeneratorReport[]): void {
  const first = reports[0];
  if (first === undefined) {
    throw new LbbenchError('LBB_COLLECT', 'no load generator reported a result');
  }
  const problems: string[] = [];
  const seen = new Set(reports.map((report) => report.generatorIndex));
  const missing = Array.from({ length: first.generatorCount }, (_, index) => index).filter(
    (index) => !seen.has(index),
  );
  if (missing.length > 0) problems.push(`no report from generator(s) ${missing.join(', ')}`);
  if (reports.length !== first.generatorCount) {
    problems.push(`${reports.length} report(s) for ${first.generatorCount} generator(s)`);
  }
  for (const report of reports) {
    if (report.generatorCount !== first.generatorCount || report.mode !== first.mode) {
      problems.push(
        `generator ${report.generatorIndex} ran as ${report.generatorIndex}/${report.generatorCount} ${report.mode} loop, ` +
          `generator ${first.generatorIndex} as ${first.generatorIndex}/${first.generatorCount} ${first.mode} loop`,
      );
    }
    if (report.startAtMs !== first.startAtMs) {
      problems.push(
        `generator ${report.generatorIndex} waited for start time ${report.startAtMs}, generator ${first.generatorIndex} for ${first.startAtMs}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new LbbenchError(
      'LBB_COLLECT',
      `the load generator reports do not fit together: ${problems.join('; ')}`,
    );
  }
}

function sumCounts(a: LoadCounts, b: LoadCounts): LoadCounts {
  return Object.fromEntries(LOAD_COUNT_NAMES.map((name) => [name, a[name] + b[name]])) as Record<
    keyof LoadCounts,
    number
  >;
}

function sumTallies(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): Readonly<Record<string, number>> {
  const sum: Record<string, number> = { ...a };
  for (const [pod, count] of Object.entries(b)) sum[pod] = (sum[pod] ?? 0) + count;
  return sum;
}
