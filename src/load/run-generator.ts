import { setTimeout as delay } from 'node:timers/promises';

import { AbortedError, UsageError } from '../errors.js';
import { describeGenerator } from './autocannon-options.js';
import type { LoadTick, PhaseKeys } from './autocannon-phase.js';
import { createSeededKeySampler, deriveKeySeed } from './key-distribution.js';
import { readAutocannonVersion, runAutocannonPhase, throwIfAborted } from './autocannon-phase.js';
import type { GeneratorConfig } from './generator-args.js';
import type { GeneratorReport } from './generator-report.js';
import { GENERATOR_REPORT_SCHEMA_VERSION, LATENCY_HISTOGRAM_ENCODING } from './generator-report.js';
import { computeGeneratorShare } from './generator-share.js';
import { encodeLatencyHistogram } from './latency-histogram.js';

/** What a generator tells about itself while it runs (one JSON line each on stderr of `generator-main.js`). */
export type GeneratorEvent =
  | { readonly event: 'ready'; readonly generatorIndex: number; readonly startAtMs: number | 'stdin' }
  | { readonly event: 'measure-start'; readonly generatorIndex: number; readonly lateMs: number }
  | ({ readonly event: 'tick'; readonly generatorIndex: number } & LoadTick);

/** Options of {@link runGenerator}. */
export interface RunGeneratorOptions {
  readonly config: GeneratorConfig;
  readonly signal: AbortSignal;
  readonly onEvent?: (event: GeneratorEvent) => void;
  /** Epoch ms clock; a parameter so that tests can move the start time. */
  readonly now?: () => number;
  /** Reads the start time when `config.startAtMs` is `stdin`. */
  readonly readStartAtMs?: (signal: AbortSignal) => Promise<number>;
}

/**
 * One load generator: its share of the load as a warm-up (dropped), then it waits for `startAtMs`, measures until
 * `startAtMs + durationMs` (so all generators stop together, even one that started late) and returns its report.
 * @throws AbortedError when `signal` aborts; UsageError when its share would be empty.
 */
export async function runGenerator(options: RunGeneratorOptions): Promise<GeneratorReport> {
  const { config, signal } = options;
  const now = options.now ?? Date.now;
  const emit = options.onEvent ?? (() => undefined);
  const { generatorIndex } = config;
  const load = computeGeneratorShare(config.load, generatorIndex, config.generatorCount);
  const phase = {
    url: `${config.url}${load.path}`,
    keys: createPhaseKeys(config),
    load,
    podHeader: config.podHeader,
    headers: config.headers,
    signal,
    title: `lbbench generator ${generatorIndex + 1}/${config.generatorCount}`,
    onTick: (tick: LoadTick) => {
      emit({ event: 'tick', generatorIndex, ...tick });
    },
  };
  if (load.warmupMs > 0) {
    await runAutocannonPhase({ ...phase, phase: 'warmup', stopAtMs: now() + load.warmupMs });
  }
  emit({ event: 'ready', generatorIndex, startAtMs: config.startAtMs });
  const startAtMs = await resolveStartAtMs(options);
  await waitUntil(startAtMs, now, signal);
  emit({ event: 'measure-start', generatorIndex, lateMs: Math.max(0, now() - startAtMs) });
  const outcome = await runAutocannonPhase({
    ...phase,
    phase: 'measure',
    stopAtMs: startAtMs + load.durationMs,
  });
  return {
    schemaVersion: GENERATOR_REPORT_SCHEMA_VERSION,
    generatorIndex,
    generatorCount: config.generatorCount,
    mode: load.rateRps === undefined ? 'closed' : 'open',
    url: phase.url,
    startAtMs,
    measureStartMs: outcome.startMs,
    measureEndMs: outcome.endMs,
    connections: outcome.counts.connections,
    rateRps: load.rateRps ?? null,
    counts: {
      requestsSent: outcome.counts.requestsSent,
      responses: outcome.counts.status2xx + outcome.counts.non2xx,
      status2xx: outcome.counts.status2xx,
      non2xx: outcome.counts.non2xx,
      errors: outcome.counts.errors,
      timeouts: outcome.counts.timeouts,
      untallied: outcome.tally.untallied,
    },
    podTally: outcome.tally.byPod,
    ...(outcome.keyTally === undefined ? {} : { keyTally: outcome.keyTally }),
    latency: {
      unit: 'us',
      encoding: LATENCY_HISTOGRAM_ENCODING,
      samples: outcome.latency.totalCount,
      histogram: encodeLatencyHistogram(outcome.latency),
    },
    ticks: outcome.ticks,
    generator: describeGenerator(outcome.options, readAutocannonVersion()),
  };
}

/** The keys this generator sends: its own stream of the run's seed, the same sampler for warm-up and window. */
function createPhaseKeys(config: GeneratorConfig): PhaseKeys | undefined {
  const { keys } = config.load;
  if (keys === undefined) return undefined;
  const seed = deriveKeySeed(config.keyDraw?.runSeed ?? 0, config.generatorIndex);
  return {
    header: keys.header,
    sample: createSeededKeySampler(keys, seed),
    periodBoundariesMs: config.keyDraw?.periodBoundariesMs ?? [],
  };
}

async function resolveStartAtMs(options: RunGeneratorOptions): Promise<number> {
  const { startAtMs } = options.config;
  if (startAtMs !== 'stdin') return startAtMs;
  if (options.readStartAtMs === undefined) {
    throw new UsageError('--start-at stdin needs a start time reader (generator-main.js reads stdin)');
  }
  return options.readStartAtMs(options.signal);
}

/** Waits until the epoch-ms clock reaches `atMs`, in steps, so that a clock adjustment is noticed. */
async function waitUntil(atMs: number, now: () => number, signal: AbortSignal): Promise<void> {
  const MAX_STEP_MS = 250;
  throwIfAborted(signal);
  for (let remainingMs = atMs - now(); remainingMs > 0; remainingMs = atMs - now()) {
    try {
      await delay(Math.min(remainingMs, MAX_STEP_MS), undefined, { signal });
    } catch (error) {
      throw new AbortedError('load interrupted while waiting for the start time', { cause: error });
    }
  }
}
