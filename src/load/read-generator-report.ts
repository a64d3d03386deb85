import { LbbenchError } from '../errors.js';
import type { ClientTick } from '../results/types.js';
import { describeValue } from '../validation/describe-value.js';
import type { LoadCounts } from '../results/types.js';
import type { EncodedLatency, GeneratorReport } from './generator-report.js';
import {
  GENERATOR_REPORT_SCHEMA_VERSION,
  LATENCY_HISTOGRAM_ENCODING,
  LOAD_COUNT_NAMES,
} from './generator-report.js';
import type { KeyTally } from './key-tally.js';
import { decodeLatencyHistogram } from './latency-histogram.js';

type Fields = Readonly<Record<string, unknown>>;

/** Collects the problems of one document as `field: message` lines. */
class IssueList {
  readonly issues: string[] = [];

  add(path: string, message: string, value: unknown): void {
    this.issues.push(`"${path}" ${message}, got ${describeValue(value)}`);
  }
}

/**
 * Reads and validates one generator's report (parsed JSON); `source` names it in messages, e.g. `generator 2`.
 * The histogram is decoded to check that its sample count matches `latency.samples`.
 * @throws LbbenchError (LBB_COLLECT) listing every field that is missing or wrong.
 */
export function readGeneratorReport(value: unknown, source: string): GeneratorReport {
  const issues = new IssueList();
  if (!isFields(value)) {
    throw createReportError(source, [`must be a JSON object, got ${describeValue(value)}`]);
  }
  if (value.schemaVersion !== GENERATOR_REPORT_SCHEMA_VERSION) {
    issues.add('schemaVersion', `must be ${GENERATOR_REPORT_SCHEMA_VERSION}`, value.schemaVersion);
    throw createReportError(source, issues.issues);
  }
  const generatorCount = readInteger(value, 'generatorCount', 1, issues);
  const report: GeneratorReport = {
    schemaVersion: GENERATOR_REPORT_SCHEMA_VERSION,
    generatorIndex: readInteger(value, 'generatorIndex', 0, issues),
    generatorCount,
    mode: readMode(value, issues),
    url: readString(value, 'url', issues),
    startAtMs: readInteger(value, 'startAtMs', 0, issues),
    measureStartMs: readInteger(value, 'measureStartMs', 0, issues),
    measureEndMs: readInteger(value, 'measureEndMs', 0, issues),
    connections: readInteger(value, 'connections', 1, issues),
    rateRps: value.rateRps === null ? null : readInteger(value, 'rateRps', 1, issues),
    counts: readCounts(value.counts, issues),
    podTally: readTally(value.podTally, issues),
    latency: readLatency(value.latency, issues),
    ticks: readTicks(value.ticks, issues),
    ...(value.keyTally === undefined ? {} : { keyTally: readKeyTally(value.keyTally, issues) }),
    generator: readString(value, 'generator', issues),
  };
  if (report.generatorIndex >= generatorCount) {
    issues.add('generatorIndex', `must be < generatorCount (${generatorCount})`, report.generatorIndex);
  }
  if (report.measureEndMs < report.measureStartMs) {
    issues.add('measureEndMs', `must be ≥ measureStartMs (${report.measureStartMs})`, report.measureEndMs);
  }
  if (issues.issues.length > 0) throw createReportError(source, issues.issues);
  return report;
}

function createReportError(source: string, issues: readonly string[]): LbbenchError {
  return new LbbenchError(
    'LBB_COLLECT',
    `the load generator report of ${source} is not valid: ${issues.join('; ')}`,
  );
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readInteger(fields: Fields, key: string, min: number, issues: IssueList, path = key): number {
  const value = fields[key];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  issues.add(path, `must be an integer ≥ ${min}`, value);
  return min;
}

function readString(fields: Fields, key: string, issues: IssueList): string {
  const value = fields[key];
  if (typeof value === 'string') return value;
  issues.add(key, 'must be a string', value);
  return '';
}

function readMode(fields: Fields, issues: IssueList): GeneratorReport['mode'] {
  if (fields.mode === 'closed' || fields.mode === 'open') return fields.mode;
  issues.add('mode', 'must be "closed" or "open"', fields.mode);
  return 'closed';
}

function readCounts(value: unknown, issues: IssueList): LoadCounts {
  const fields = isFields(value) ? value : {};
  if (!isFields(value)) issues.add('counts', 'must be an object', value);
  const entries = LOAD_COUNT_NAMES.map((name) => [
    name,
    readInteger(fields, name, 0, issues, `counts.${name}`),
  ]);
  return Object.fromEntries(entries) as Record<keyof LoadCounts, number>;
}

function readTally(value: unknown, issues: IssueList): Readonly<Record<string, number>> {
  return readPodCounts(value, 'podTally', issues);
}

/** An object of pod name → count (at least `min`) at `path`. */
function readPodCounts(
  value: unknown,
  path: string,
  issues: IssueList,
  min = 0,
): Readonly<Record<string, number>> {
  if (!isFields(value)) {
    issues.add(path, 'must be an object of pod name → count', value);
    return {};
  }
  const entries = Object.keys(value).map((pod) => [
    pod,
    readInteger(value, pod, min, issues, `${path}.${pod}`),
  ]);
  return Object.fromEntries(entries) as Record<string, number>;
}

function readKeyTally(value: unknown, issues: IssueList): KeyTally {
  const fields = isFields(value) ? value : {};
  if (!isFields(value)) issues.add('keyTally', 'must be an object { boundariesMs, periods }', value);
  const boundaries: unknown[] = Array.isArray(fields.boundariesMs) ? fields.boundariesMs : [];
  if (!Array.isArray(fields.boundariesMs)) {
    issues.add('keyTally.boundariesMs', 'must be an array of ms', fields.boundariesMs);
  }
  const boundariesMs = boundaries.map((boundary, index) =>
    readInteger({ boundary }, 'boundary', 0, issues, `keyTally.boundariesMs[${index}]`),
  );
  const rawPeriods: unknown[] = Array.isArray(fields.periods) ? fields.periods : [];
  if (rawPeriods.length !== boundariesMs.length + 1) {
    issues.add(
      'keyTally.periods',
      `must be an array of ${boundariesMs.length + 1} period(s)`,
      fields.periods,
    );
  }
  const periods = rawPeriods.map((period, index) => {
    const path = `keyTally.periods[${index}]`;
    if (!isFields(period)) {
      issues.add(path, 'must be an object of key → { pod → count }', period);
      return {};
    }
    return Object.fromEntries(
      Object.entries(period).map(([key, pods]) => [key, readPodCounts(pods, `${path}.${key}`, issues, 1)]),
    );
  });
  return { boundariesMs, periods };
}

function readTicks(value: unknown, issues: IssueList): readonly ClientTick[] {
  if (!Array.isArray(value)) {
    issues.add('ticks', 'must be an array of { tMs, responses, errors }', value);
    return [];
  }
  return value.map((tick: unknown, index) => {
    const fields = isFields(tick) ? tick : {};
    if (!isFields(tick)) issues.add(`ticks[${index}]`, 'must be an object', tick);
    const read = (name: 'tMs' | 'responses' | 'errors'): number =>
      readInteger(fields, name, 0, issues, `ticks[${index}].${name}`);
    const base = { tMs: read('tMs'), responses: read('responses'), errors: read('errors') };
    return fields.byPod === undefined
      ? base
      : { ...base, byPod: readPodCounts(fields.byPod, `ticks[${index}].byPod`, issues) };
  });
}

function readLatency(value: unknown, issues: IssueList): EncodedLatency {
  const fields = isFields(value) ? value : {};
  if (!isFields(value)) issues.add('latency', 'must be an object', value);
  if (fields.unit !== 'us') issues.add('latency.unit', 'must be "us"', fields.unit);
  if (fields.encoding !== LATENCY_HISTOGRAM_ENCODING) {
    issues.add('latency.encoding', `must be "${LATENCY_HISTOGRAM_ENCODING}"`, fields.encoding);
  }
  const samples = readInteger(fields, 'samples', 0, issues, 'latency.samples');
  const histogram = typeof fields.histogram === 'string' ? fields.histogram : '';
  const decodedCount = countEncodedSamples(histogram);
  if (decodedCount === undefined) {
    issues.add('latency.histogram', 'must be an HdrHistogram compressed base64 encoding', fields.histogram);
  } else if (decodedCount !== samples) {
    issues.add('latency.samples', `must equal the histogram's total count (${decodedCount})`, samples);
  }
  return { unit: 'us', encoding: LATENCY_HISTOGRAM_ENCODING, samples, histogram };
}

function countEncodedSamples(encoded: string): number | undefined {
  if (encoded === '') return undefined;
  try {
    return decodeLatencyHistogram(encoded).totalCount;
  } catch {
    return undefined;
  }
}
