import { UsageError } from '../errors.js';
import type { LoadSpec } from '../scenario/types.js';

/** Which part of a load run: the warm-up (not counted) or the measured window. */
export type LoadPhase = 'warmup' | 'measure';

/** The autocannon options lbbench sets (a subset of autocannon's `Options`), in autocannon's units. */
export interface AutocannonRunOptions {
  readonly url: string;
  readonly title: string;
  readonly connections: number;
  readonly pipelining: number;
  /** Seconds. */
  readonly duration: number;
  /** Seconds per request (autocannon's minimum is 1). */
  readonly timeout: number;
  /** ms between autocannon's samples; it also only stops on a sample, so this is the stop precision. */
  readonly sampleInt: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Open loop only: total requests per second over all connections. */
  readonly overallRate?: number;
  readonly ignoreCoordinatedOmission?: boolean;
}

/** What to build options from. */
export interface AutocannonOptionsInput {
  readonly url: string;
  readonly load: LoadSpec;
  readonly phase: LoadPhase;
  readonly title?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * autocannon checks for the end of the run only at each sample tick, so the sample interval bounds how far a run
 * overshoots its duration and how long `stop()` takes. 100 ms keeps both short at negligible cost (lbbench
 * computes req/s itself, not from autocannon's per-sample histogram).
 */
const SAMPLE_INTERVAL_MS = 100;
const PIPELINING = 1;

/**
 * Builds the autocannon options of one phase: closed loop (`connections` keep one request in flight each) or,
 * when `load.rateRps` is set, open loop (`overallRate` split over the connections).
 * @throws UsageError when a load setting is outside what autocannon accepts.
 */
export function buildAutocannonOptions(input: AutocannonOptionsInput): AutocannonRunOptions {
  validateLoad(input.load);
  const { load } = input;
  const durationMs = input.phase === 'warmup' ? load.warmupMs : load.durationMs;
  const base = {
    url: input.url,
    title: input.title ?? `lbbench ${input.phase}`,
    pipelining: PIPELINING,
    duration: durationMs / 1000,
    timeout: load.timeoutMs / 1000,
    sampleInt: SAMPLE_INTERVAL_MS,
    headers: { ...input.headers },
  };
  if (load.rateRps === undefined) {
    return { ...base, connections: load.connections };
  }
  return {
    ...base,
    // autocannon itself lowers the connections to the rate when the rate is smaller; doing it here keeps the
    // recorded connection count true.
    connections: Math.min(load.connections, load.rateRps),
    overallRate: load.rateRps,
    // autocannon's coordinated-omission correction back-fills samples with an expected interval of
    // ceil(1 / per-connection rate) ms, which is 1 ms for any rate ≥ 1 req/s instead of 1000 / rate ms: every
    // response slower than 1 ms would add bogus samples. So latency here is the measured service time, and
    // latencySamples equals the responses.
    ignoreCoordinatedOmission: true,
  };
}

/** Describes the generator and the settings that shape its numbers, e.g. `autocannon 8.0.0, closed loop, 50 connections, pipelining 1`. */
export function describeGenerator(options: AutocannonRunOptions, autocannonVersion: string): string {
  const loop =
    options.overallRate === undefined
      ? `closed loop, ${options.connections} connections`
      : `open loop, ${options.overallRate} req/s over ${options.connections} connections (per-connection 1 s windows), ` +
        'coordinated-omission correction off';
  return (
    `autocannon ${autocannonVersion}, ${loop}, pipelining ${options.pipelining}, timeout ${options.timeout} s, ` +
    'graceful stop (requests in flight at the end complete and are counted)'
  );
}

function validateLoad(load: LoadSpec): void {
  const problems = [
    checkInteger('load.connections', load.connections, 1),
    checkPositive('load.durationMs', load.durationMs),
    checkInteger('load.warmupMs', load.warmupMs, 0),
    load.timeoutMs >= 1000
      ? undefined
      : `load.timeoutMs must be ≥ 1000 (autocannon's timeout is at least 1 s), got ${load.timeoutMs}`,
    load.rateRps === undefined ? undefined : checkInteger('load.rateRps', load.rateRps, 1),
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    throw new UsageError(problems.join('; '));
  }
}

function checkInteger(path: string, value: number, min: number): string | undefined {
  return Number.isInteger(value) && value >= min
    ? undefined
    : `${path} must be an integer ≥ ${min}, got ${value}`;
}

function checkPositive(path: string, value: number): string | undefined {
  return Number.isFinite(value) && value > 0 ? undefined : `${path} must be a number > 0, got ${value}`;
}
