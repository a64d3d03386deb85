import { createRequire } from 'node:module';

import autocannon from 'autocannon';

import { AbortedError, LbbenchError } from '../errors.js';
import type { ClientTick, LoadRecord } from '../results/types.js';
import type { LoadSpec } from '../scenario/types.js';
import type { AutocannonRunOptions, LoadPhase } from './autocannon-options.js';
import { buildAutocannonOptions, describeGenerator } from './autocannon-options.js';
import type { AutocannonSummary, PodTally } from './load-record.js';
import { buildLoadRecord, readAutocannonSummary } from './load-record.js';
import { createGracefulStop } from './graceful-stop.js';
import { createPodTallyCounter } from './pod-tally.js';

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

/** Options of {@link runLoad}. */
export interface RunLoadOptions {
  readonly url: string;
  readonly load: LoadSpec;
  /** The response header naming the pod, e.g. `x-upstream-pod`. */
  readonly podHeader: string;
  readonly signal: AbortSignal;
  readonly title?: string;
  readonly onTick?: (tick: LoadTick) => void;
  /**
   * Called between the warm-up and the measured window, while no request is in flight; measurement starts when
   * the returned promise settles, so the caller's `/clusters` snapshot taken here bounds the window exactly.
   */
  readonly onMeasureStart?: () => void | Promise<void>;
}

interface PhaseOutcome {
  readonly summary: AutocannonSummary;
  readonly tally: PodTally;
  readonly options: AutocannonRunOptions;
  readonly ticks: readonly ClientTick[];
}

const TICK_INTERVAL_MS = 1_000;
const DRAIN_MARGIN_MS = 2_000;

/**
 * Drives load with autocannon: a warm-up run (when `load.warmupMs` > 0) whose numbers are dropped, then
 * `onMeasureStart`, then the measured run, whose result and client-side pod tally become the {@link LoadRecord}.
 * @throws AbortedError when `signal` aborts (autocannon is stopped within its 100 ms sample interval);
 * UsageError for load settings autocannon rejects.
 */
export async function runLoad(options: RunLoadOptions): Promise<LoadRecord> {
  throwIfAborted(options.signal);
  if (options.load.warmupMs > 0) {
    await runPhase(options, 'warmup');
  }
  await options.onMeasureStart?.();
  const outcome = await runPhase(options, 'measure');
  return buildLoadRecord({
    summary: outcome.summary,
    tally: outcome.tally,
    load: options.load,
    generator: describeGenerator(outcome.options, readAutocannonVersion()),
    ticks: outcome.ticks,
  });
}

async function runPhase(options: RunLoadOptions, phase: LoadPhase): Promise<PhaseOutcome> {
  throwIfAborted(options.signal);
  const acOptions = buildAutocannonOptions({
    url: options.url,
    load: options.load,
    phase,
    ...(options.title === undefined ? {} : { title: options.title }),
  });
  const durationMs = acOptions.duration * 1000;
  const tally = createPodTallyCounter(options.podHeader);
  const graceful = createGracefulStop();
  const counts = { responses: 0, errors: 0, lastTickResponses: 0 };
  const ticks = createTickRecorder();
  const startedAt = performance.now();
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
        requests: [
          {
            onResponse: (_status, _body, _context, headers) => {
              tally.record(headers);
            },
          },
        ],
      },
      (error: unknown, result: unknown) => {
        if (error === null || error === undefined) {
          resolve(result);
        } else {
          const detail = error instanceof Error ? `: ${error.message}` : '';
          reject(
            new LbbenchError('LBB_INTERNAL', `autocannon could not run against ${options.url}${detail}`, {
              cause: error,
            }),
          );
        }
      },
    );
  });
  instance?.on('response', (_client, statusCode) => {
    counts.responses += 1;
    ticks.count(statusCode < 200 || statusCode >= 300);
  });
  instance?.on('reqError', () => {
    counts.errors += 1;
    ticks.count(true);
  });
  const deadline = setTimeout(graceful.stop, durationMs);
  const ticker = setInterval(() => {
    options.onTick?.({
      phase,
      elapsedMs: Math.min(performance.now() - startedAt, durationMs),
      durationMs,
      requests: counts.responses,
      errors: counts.errors,
      rps: counts.responses - counts.lastTickResponses,
    });
    counts.lastTickResponses = counts.responses;
    ticks.close(performance.now() - startedAt);
  }, TICK_INTERVAL_MS);
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    const result = await resultPromise;
    throwIfAborted(options.signal);
    ticks.close(performance.now() - startedAt);
    return {
      summary: readAutocannonSummary(result),
      tally: tally.snapshot(),
      options: acOptions,
      ticks: ticks.list(),
    };
  } finally {
    clearTimeout(deadline);
    clearInterval(ticker);
    options.signal.removeEventListener('abort', stop);
  }
}

/** Client ticks of one phase: requests that ended, and failed ones, per tick (the last one ends with the phase). */
function createTickRecorder(): {
  count: (isError: boolean) => void;
  close: (elapsedMs: number) => void;
  list: () => readonly ClientTick[];
} {
  const ticks: ClientTick[] = [];
  let responses = 0;
  let errors = 0;
  return {
    count: (isError) => {
      responses += 1;
      if (isError) errors += 1;
    },
    close: (elapsedMs) => {
      ticks.push({ tMs: Math.round(elapsedMs), responses, errors });
      responses = 0;
      errors = 0;
    },
    list: () => ticks,
  };
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new AbortedError('load interrupted', { cause: signal.reason });
  }
}

let autocannonVersion: string | undefined;

function readAutocannonVersion(): string {
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
