import type { ClientTick, LoadCounts } from '../results/types.js';
import type { KeyTally } from './key-tally.js';

/** The version of {@link GeneratorReport}; a reader refuses any other. */
export const GENERATOR_REPORT_SCHEMA_VERSION = 1;

/** How latency histograms are encoded: HdrHistogram's compressed V2 encoding in base64, values in µs. */
export const LATENCY_HISTOGRAM_ENCODING = 'hdr-compressed-base64';

/** The names of {@link LoadCounts}, in their report order. */
export const LOAD_COUNT_NAMES = [
  'requestsSent',
  'responses',
  'status2xx',
  'non2xx',
  'errors',
  'timeouts',
  'untallied',
] as const satisfies readonly (keyof LoadCounts)[];

/** The latency of the 2xx responses of a window as an encoded HDR histogram. */
export interface EncodedLatency {
  readonly unit: 'us';
  readonly encoding: typeof LATENCY_HISTOGRAM_ENCODING;
  /** Values recorded (the histogram's total count). */
  readonly samples: number;
  readonly histogram: string;
}

/** The part of a load result that merges exactly: summed counts and tallies, added histograms, the union window. */
export interface LoadTotals {
  /** Connections driven (summed over generators). */
  readonly connections: number;
  /** Open loop: requests per second driven (summed); null for a closed loop. */
  readonly rateRps: number | null;
  /** Epoch ms when the measured window started (the earliest generator). */
  readonly measureStartMs: number;
  /** Epoch ms when its last response arrived (the latest generator). */
  readonly measureEndMs: number;
  readonly counts: LoadCounts;
  /** Responses per pod from the `X-Upstream-Pod` header. */
  readonly podTally: Readonly<Record<string, number>>;
  /** With `load.keys`: which pod answered each key, per period between host-set changes. */
  readonly keyTally?: KeyTally;
  readonly latency: EncodedLatency;
  /** Requests that ended, and failed ones, per second of the measured window (`tMs` after its start). */
  readonly ticks: readonly ClientTick[];
}

/**
 * What one load-generator process writes, as one JSON document, when its measured window ends
 * (`dist/src/load/generator-main.js`); the harness reads it with `readGeneratorReport` and merges the reports
 * of all generators with `mergeGeneratorReports`.
 */
export interface GeneratorReport extends LoadTotals {
  readonly schemaVersion: typeof GENERATOR_REPORT_SCHEMA_VERSION;
  /** 0-based index of this generator among `generatorCount`. */
  readonly generatorIndex: number;
  readonly generatorCount: number;
  readonly mode: 'closed' | 'open';
  /** The URL the load went to. */
  readonly url: string;
  /** The start time (epoch ms) every generator waited for. */
  readonly startAtMs: number;
  /** The generator and the settings that shape its numbers, e.g. `autocannon 8.0.0, closed loop, …`. */
  readonly generator: string;
}
