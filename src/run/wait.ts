import { ClusterError } from '../errors.js';
import type { ProgressSink } from '../progress.js';
import { throwIfAborted } from './abort.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';

/** One look at what is awaited: done with its value, or not yet with a short status for progress and timeouts. */
export type Poll<T> =
  { readonly isDone: true; readonly value: T } | { readonly isDone: false; readonly status: string };

/** How to wait: what for (for messages), how long, how often, and what to check between attempts. */
export interface WaitOptions {
  /** What is awaited, e.g. `the 3 myapp pods to be Ready`; progress shows `what: status (N s)`. */
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly signal: AbortSignal | undefined;
  /** Default: the system clock. */
  readonly clock?: Clock;
  readonly progress?: ProgressSink;
  /** Throws when waiting is pointless (e.g. the process waited for has exited). */
  readonly assertAlive?: () => Promise<void>;
  /** What to do next when it times out, appended to the default ClusterError. */
  readonly hint?: string;
  /** Replaces the default ClusterError on timeout. */
  readonly createTimeoutError?: (lastStatus: string) => Error | Promise<Error>;
}

/** `done` with `value`. */
export const done = <T>(value: T): Poll<T> => ({ isDone: true, value });
/** Not yet, because of `status`. */
export const notYet = <T>(status: string): Poll<T> => ({ isDone: false, status });

/**
 * The one way lbbench waits: calls `check` until it is done and returns its value, checking for an abort before
 * every attempt and sleeping `intervalMs` between them.
 * @throws ClusterError (what, the last status and the hint) or `createTimeoutError`'s error after `timeoutMs`;
 * AbortedError when `signal` aborts; whatever `assertAlive` or `check` throws.
 */
export async function waitFor<T>(check: () => Promise<Poll<T>>, options: WaitOptions): Promise<T> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const startMs = clock.now();
  for (;;) {
    throwIfAborted(options.signal, `waiting for ${options.what}`);
    await options.assertAlive?.();
    const poll = await check();
    if (poll.isDone) return poll.value;
    const elapsedMs = clock.now() - startMs;
    options.progress?.update(`${options.what}: ${poll.status} (${Math.round(elapsedMs / 1000)} s)`);
    if (elapsedMs >= options.timeoutMs) throw await createTimeoutError(options, poll.status);
    await clock.sleep(options.intervalMs, options.signal);
  }
}

/** `0.3 s` below 10 s, `42 s` above. */
export function formatSeconds(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(durationMs < 10_000 ? 1 : 0)} s`;
}

async function createTimeoutError(options: WaitOptions, lastStatus: string): Promise<Error> {
  if (options.createTimeoutError !== undefined) return options.createTimeoutError(lastStatus);
  const hint = options.hint === undefined ? '' : ` ${options.hint}`;
  return new ClusterError(
    `Timed out after ${formatSeconds(options.timeoutMs)} waiting for ${options.what}; last status: ${lastStatus}.${hint}`,
  );
}
