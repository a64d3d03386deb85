import path from 'node:path';

import { getPackageRoot } from '../package-root.js';
import type { LoadRecord } from '../results/types.js';
import type { LoadSpec } from '../scenario/types.js';
import type { LoadTick } from './autocannon-phase.js';
import { throwIfAborted } from './autocannon-phase.js';
import { buildGeneratorArgs, type KeyDraw } from './generator-args.js';
import { buildLoadRecord } from './load-record.js';
import { LocalGeneratorProcess } from './local-generator-process.js';
import { mergeGeneratorReports } from './merge-generator-reports.js';
import type { GeneratorEvent } from './run-generator.js';

/** Options of {@link runLocalGenerators}. */
export interface RunLocalGeneratorsOptions {
  /** The proxy's traffic URL without the path (`load.path` is appended). */
  readonly url: string;
  /** The whole load; `load.generators` processes each drive their share. */
  readonly load: LoadSpec;
  /** The response header naming the pod, e.g. `x-upstream-pod`. */
  readonly podHeader: string;
  readonly signal: AbortSignal;
  readonly onTick?: (tick: LoadTick) => void;
  /**
   * Called once every generator has finished its warm-up and no request is in flight; the measured window starts
   * 100 ms after the returned promise settles, so the caller's `/clusters` snapshot taken here bounds it exactly.
   */
  readonly onMeasureStart?: () => void | Promise<void>;
  /** With `load.keys`: the run's seed and the key tally's periods. */
  readonly keyDraw?: KeyDraw | undefined;
  /** The compiled generator entry; defaults to the package's `dist/src/load/generator-main.js`. */
  readonly generatorEntry?: string;
}

/**
 * Margin between sending the start time and the start: the generators are idle, waiting on stdin, so this only
 * covers the pipe and a busy event loop; a generator that still starts late stops with the others and reports it.
 */
const START_LEAD_MS = 100;

/** The compiled entry of the load generator. */
export function getGeneratorEntry(): string {
  return path.join(getPackageRoot(), 'dist', 'src', 'load', 'generator-main.js');
}

/**
 * Drives the load as `load.generators` local processes (`generator-main.js`): each runs its share of the warm-up,
 * then, once all are ready, `onMeasureStart` runs and all get the same start time; their reports are merged
 * exactly (summed counts and tallies, added latency histograms) into one {@link LoadRecord}.
 * @throws AbortedError when `signal` aborts (every process is stopped first); LbbenchError when a generator fails.
 */
export async function runLocalGenerators(options: RunLocalGeneratorsOptions): Promise<LoadRecord> {
  throwIfAborted(options.signal);
  const count = options.load.generators;
  const onEvent = createTickMerger(count, options.onTick);
  const generators = Array.from({ length: count }, (_, generatorIndex) => {
    const args = buildGeneratorArgs({
      url: options.url,
      load: options.load,
      headers: {},
      podHeader: options.podHeader,
      generatorIndex,
      generatorCount: count,
      startAtMs: 'stdin',
      outputPath: undefined,
      keyDraw: options.keyDraw,
    });
    const entry = options.generatorEntry ?? getGeneratorEntry();
    return new LocalGeneratorProcess({ entry, args, generatorIndex, generatorCount: count, onEvent });
  });
  const stopAll = (): void => {
    for (const generator of generators) void generator.stop();
  };
  options.signal.addEventListener('abort', stopAll, { once: true });
  try {
    await Promise.all(generators.map((generator) => generator.ready()));
    throwIfAborted(options.signal);
    await options.onMeasureStart?.();
    const startAtMs = Date.now() + START_LEAD_MS;
    for (const generator of generators) generator.start(startAtMs);
    const reports = await Promise.all(generators.map((generator) => generator.report()));
    throwIfAborted(options.signal);
    return buildLoadRecord({
      merged: mergeGeneratorReports(reports),
      load: options.load,
      clientPath: 'local-process',
    });
  } catch (error) {
    throwIfAborted(options.signal);
    throw error;
  } finally {
    options.signal.removeEventListener('abort', stopAll);
    await Promise.all(generators.map((generator) => generator.stop()));
  }
}

/** Sums the generators' latest ticks of the same phase into one tick per second (on generator 0's tick). */
function createTickMerger(
  count: number,
  onTick: ((tick: LoadTick) => void) | undefined,
): (event: GeneratorEvent) => void {
  const latest = new Map<number, LoadTick>();
  return (event) => {
    if (event.event !== 'tick' || onTick === undefined) return;
    const { event: _name, generatorIndex, ...tick } = event;
    latest.set(generatorIndex, tick);
    if (generatorIndex !== 0) return;
    const same = [...latest.values()].filter((other) => other.phase === tick.phase);
    const sum = (pick: (other: LoadTick) => number): number =>
      same.reduce((total, other) => total + pick(other), 0);
    onTick({
      ...tick,
      requests: sum((other) => other.requests),
      errors: sum((other) => other.errors),
      rps: count === 1 ? tick.rps : sum((other) => other.rps),
    });
  };
}
