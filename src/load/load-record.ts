import type { LoadClient, LoadRecord } from '../results/types.js';
import type { LoadSpec } from '../scenario/types.js';
import { decodeLatencyHistogram, summarizeLatencyHistogram } from './latency-histogram.js';
import type { MergedLoad } from './merge-generator-reports.js';

/** Maps the merged result of a measured window's generators to a {@link LoadRecord}. */
export function buildLoadRecord(input: {
  readonly merged: MergedLoad;
  readonly load: LoadSpec;
  readonly clientPath: LoadClient['path'];
}): LoadRecord {
  const { merged, load } = input;
  const { counts } = merged;
  const durationMs = Math.max(0, merged.measureEndMs - merged.measureStartMs);
  return {
    mode: merged.mode,
    connections: merged.connections,
    rateRps: merged.rateRps ?? undefined,
    durationMs,
    warmupMs: load.warmupMs,
    requestsSent: counts.requestsSent,
    responses: counts.responses,
    status2xx: counts.status2xx,
    non2xx: counts.non2xx,
    errors: counts.errors,
    timeouts: counts.timeouts,
    rps: durationMs > 0 ? counts.responses / (durationMs / 1000) : 0,
    latency: summarizeLatencyHistogram(decodeLatencyHistogram(merged.latency.histogram)),
    latencySamples: merged.latency.samples,
    podTally: merged.podTally,
    ...(merged.keyTally === undefined ? {} : { keyTally: merged.keyTally }),
    untallied: counts.untallied,
    generator: describeGenerators(merged),
    ticks: merged.ticks,
    client: {
      path: input.clientPath,
      generators: merged.generatorCount,
      startSpreadMs: merged.startSpreadMs,
      latencyHistogramUs: merged.latency.histogram,
    },
  };
}

function describeGenerators(merged: MergedLoad): string {
  if (merged.generatorCount === 1) return merged.generator;
  const rate = merged.rateRps === null ? '' : `, ${merged.rateRps} req/s`;
  return `${merged.generatorCount} generators (${merged.connections} connections${rate} in all), each ${merged.generator}`;
}
