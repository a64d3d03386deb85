import type { GeneratorReport } from '../../../src/load/generator-report.js';
import {
  GENERATOR_REPORT_SCHEMA_VERSION,
  LATENCY_HISTOGRAM_ENCODING,
} from '../../../src/load/generator-report.js';
import {
  createLatencyHistogram,
  encodeLatencyHistogram,
  recordLatencyMs,
} from '../../../src/load/latency-histogram.js';

/** Encodes the given response times (ms) as a report's latency. */
export function encodeLatencies(latenciesMs: readonly number[]): GeneratorReport['latency'] {
  const histogram = createLatencyHistogram();
  for (const latencyMs of latenciesMs) recordLatencyMs(histogram, latencyMs);
  return {
    unit: 'us',
    encoding: LATENCY_HISTOGRAM_ENCODING,
    samples: histogram.totalCount,
    histogram: encodeLatencyHistogram(histogram),
  };
}

/** A valid report of generator `index` of `count` whose 2xx responses took `latenciesMs`. */
export function createGeneratorReport(
  index: number,
  count: number,
  latenciesMs: readonly number[] = [0.41, 0.52, 1.2],
  overrides: Partial<GeneratorReport> = {},
): GeneratorReport {
  const responses = latenciesMs.length;
  return {
    schemaVersion: GENERATOR_REPORT_SCHEMA_VERSION,
    generatorIndex: index,
    generatorCount: count,
    mode: 'closed',
    url: 'http://127.0.0.1:10000/',
    startAtMs: 1_000_000,
    measureStartMs: 1_000_000 + index,
    measureEndMs: 1_010_000 + index,
    connections: 10,
    rateRps: null,
    counts: {
      requestsSent: responses + 1,
      responses: responses + 1,
      status2xx: responses,
      non2xx: 1,
      errors: 0,
      timeouts: 0,
      untallied: 1,
    },
    podTally: { [`myapp-${index}`]: responses },
    latency: encodeLatencies(latenciesMs),
    generator: 'autocannon 8.0.0, closed loop, 10 connections',
    ...overrides,
  };
}
