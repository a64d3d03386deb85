import { createRequire } from 'node:module';

import autocannon from 'autocannon';

import { AbortedError, LbbenchError } from '../errors.js';
import type { ClientTick } from '../results/types.js';
import type { LoadSpec } from '../scenario/types.js';
import type { AutocannonRunOptions, LoadPhase } from './autocannon-options.js';
import { buildAutocannonOptions } from './autocannon-options.js';
import type { AutocannonCounts } from './autocannon-counts.js';
import { readAutocannonCounts } from './autocannon-counts.js';
import { ClientTickRecorder } from './client-ticks.js';
import { createGracefulStop } from './graceful-stop.js';
import type { LatencyHistogramUs } from './latency-histogram.js';
import { createLatencyHistogram, recordLatencyMs } from './latency-histogram.js';
import type { KeySampler } from './key-distribution.js';
import { formatKey } from './key-distribution.js';
import type { KeyTally } from './key-tally.js';
import { KeyTallyCounter } from './key-tally.js';
import type { PodTally } from './pod-tally.js';
import { createPodTallyCounter, type PodTallyCounter } from './pod-tally.js';

/** A once-a-second progress report of the running phase. */
export interface LoadTick {
  readonly phase: LoadPhase;
  readonly elapsedMs: number;
  readonly durationMs: number;
  /** Responses so far in this phase. */
  readonly requests: number;
  readonly errors: number;
  /** Responses over the last second. */
  readonly rps: number;
}

/** One autocannon run: until `stopAtMs` (epoch ms), then a graceful stop. */
export interface AutocannonPhaseOptions {
  readonly url: string;
  /** This generator's share of the load. */
  readonly load: LoadSpec;
  readonly phase: LoadPhase;
  readonly stopAtMs: number;
  readonly podHeader: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly title?: string;
  readonly onTick?: (tick: LoadTick) => void;
  /** With `load.keys`: every request carries a drawn key, and the measured phase tallies key → pod per period. */
  readonly keys?: PhaseKeys | undefined;
}

/** The keys of one phase. */
export interface PhaseKeys {
  readonly header: string;
  readonly sample: KeySampler;
  /** Where the tally's periods end, ms after the phase started. */
  readonly periodBoundariesMs: readonly number[];
}

/** What one phase measured. */
export interface AutocannonPhaseOutcome {
  readonly counts: AutocannonCounts;
  readonly tally: PodTally;
  /** With keys: which pod answered each key, per period; undefined without keys. */
  readonly keyTally: KeyTally | undefined;
  /** Response times of the 2xx responses, µs, from autocannon's hrtime-based `response` event. */
  readonly latency: LatencyHistogramUs;
  /** Requests that ended, and failed ones, per second of the phase. */
  readonly ticks: readonly ClientTick[];
  /** Epoch ms when the phase started and when its last response arrived. */
  readonly startMs: number;
  readonly endMs: number;
  readonly options: AutocannonRunOptions;
}

const TICK_INTERVAL_MS = 1_000;
const DRAIN_MARGIN_MS = 2_000;

/**
 * Runs autocannon until `stopAtMs`, then stops gracefully (requests in flight complete and are counted). Each
 * 2xx response's time is recorded from the `response` event, a fractional millisecond from `process.hrtime`,
 * into a µs histogram: autocannon's own histogram keeps whole milliseconds (lib/histUtil.js).
 * @throws AbortedError when `signal` aborts; UsageError for load settings autocannon rejects.
 */
export async function runAutocannonPhase(options: AutocannonPhaseOptions): Promise<AutocannonPhaseOutcome> {
  throwIfAborted(options.signal);
  const acOptions = buildAutocannonOptions({
    url: options.url,
    load: options.load,
    phase: options.phase,
    headers: options.headers,
    ...(options.title === undefined ? {} : { title: options.title }),
  });
  const startMs = Date.now();
  const durationMs = Math.max(0, options.stopAtMs - startMs);
  const tally = createPodTallyCounter(options.podHeader);
  const keyTally =
    options.keys === undefined ? undefined : new KeyTallyCounter(options.keys.periodBoundariesMs);
  const latency = createLatencyHistogram();
  const graceful = createGracefulStop();
  const counts = { responses: 0, errors: 0, lastTickResponses: 0 };
  const ticks = new ClientTickRecorder();
  let instance: autocannon.Instance | undefined;
  const stop = (): void => instance?.stop();
  const resultPromise = new Promise<unknown>((resolve, reject) => {
    instance = autocannon(
      {
        ...acOptions,
        // autocannon's own deadline is only the back-stop: the graceful stop below ends the run, and a request
        // still in flight then may take up to the request timeout.
        duration: (durationMs + options.load.timeoutMs + DRAIN_MARGIN_MS) / 1000,
        headers: { ...acOptions.headers },
        setupClient: graceful.setupClient,
        requests: [buildKeyedRequest(options.keys, { tally, keyTally, ticks }, startMs)],
      },
      (error: unknown, result: unknown) => {
        if (error === null || error === undefined) resolve(result);
        else reject(createAutocannonError(options.url, error));
      },
    );
  });
  instance?.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    counts.responses += 1;
    const isSuccess = statusCode >= 200 && statusCode < 300;
    if (isSuccess) recordLatencyMs(latency, responseTimeMs);
    ticks.count(!isSuccess);
  });
  instance?.on('reqError', () => {
    counts.errors += 1;
    ticks.count(true);
  });
  const deadline = setTimeout(graceful.stop, durationMs);
  const ticker = setInterval(() => {
    options.onTick?.({
      phase: options.phase,
      elapsedMs: Math.min(Date.now() - startMs, durationMs),
      durationMs,
      requests: counts.responses,
      errors: counts.errors,
      rps: counts.responses - counts.lastTickResponses,
    });
    counts.lastTickResponses = counts.responses;
    ticks.close(Date.now() - startMs);
  }, TICK_INTERVAL_MS);
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    const result = await resultPromise;
    const endMs = Date.now();
    throwIfAborted(options.signal);
    ticks.close(endMs - startMs);
    return {
      counts: readAutocannonCounts(result),
      tally: tally.snapshot(),
      keyTally: keyTally?.snapshot(),
      latency,
      ticks: ticks.list(),
      startMs,
      endMs,
      options: acOptions,
    };
  } finally {
    clearTimeout(deadline);
    clearInterval(ticker);
    options.signal.removeEventListener('abort', stop);
  }
}

/** Where a request keeps its key until its response: autocannon's per-connection context (one request in flight). */
interface KeyContext {
  key?: string;
}

/**
 * The one request autocannon repeats: without keys it only tallies the pod header; with keys `setupRequest` draws a
 * key into the request's header and the connection's context (autocannon builds the request object anew for each
 * request, so adding a header costs one string draw), and `onResponse` counts key → pod at the completion time.
 */
function buildKeyedRequest(
  keys: PhaseKeys | undefined,
  counters: {
    readonly tally: PodTallyCounter;
    readonly keyTally: KeyTallyCounter | undefined;
    readonly ticks: ClientTickRecorder;
  },
  startMs: number,
): autocannon.Request {
  const { tally, keyTally, ticks } = counters;
  if (keys === undefined) {
    return {
      onResponse: (_status, _body, _context, headers) => {
        const pod = tally.record(headers);
        if (pod !== undefined) ticks.countPod(pod);
      },
    };
  }
  return {
    setupRequest: (request, context: KeyContext) => {
      const key = formatKey(keys.sample());
      context.key = key;
      (request.headers ??= {})[keys.header] = key;
      return request;
    },
    onResponse: (_status, _body, context: KeyContext, headers) => {
      const pod = tally.record(headers);
      if (pod === undefined) return;
      ticks.countPod(pod);
      if (context.key !== undefined) keyTally?.record(context.key, pod, Date.now() - startMs);
    },
  };
}

function createAutocannonError(url: string, error: unknown): LbbenchError {
  const detail = error instanceof Error ? `: ${error.message}` : '';
  return new LbbenchError('LBB_INTERNAL', `autocannon could not run against ${url}${detail}`, {
    cause: error,
  });
}

/** @throws AbortedError when `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new AbortedError('load interrupted', { cause: signal.reason });
  }
}

let autocannonVersion: string | undefined;

/** The installed autocannon's version, e.g. `8.0.0`. */
export function readAutocannonVersion(): string {
  if (autocannonVersion === undefined) {
    const manifest: unknown = createRequire(import.meta.url)('autocannon/package.json');
    const version =
      typeof manifest === 'object' && manifest !== null
        ? (manifest as { version?: unknown }).version
        : undefined;
    autocannonVersion = typeof version === 'string' ? version : 'unknown';
  }
  return autocannonVersion;
}
