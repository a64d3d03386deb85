import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, ClusterError } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';

/** How long and how often to poll, and where to report progress; shared by every wait of a backend. */
export interface WaitSettings {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly signal: AbortSignal | undefined;
  readonly progress: ProgressSink;
  /** Monotonic clock in ms. */
  readonly now: () => number;
}

/** Throws `AbortedError` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted === true) {
    throw new AbortedError(`interrupted while ${what}`, { cause: signal.reason });
  }
}

/** `0.3 s` below 10 s, `42 s` above. */
export function formatSeconds(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(durationMs < 10_000 ? 1 : 0)} s`;
}

/** One poll's verdict: finished or not, and a short status for the progress line and timeout message. */
export interface PollResult {
  readonly done: boolean;
  readonly status: string;
}

/**
 * Polls `check` until it reports done, showing `what: status (N s)` through `progress.update`.
 * @throws ClusterError on timeout (with the last status and `hint`), AbortedError when the signal fires.
 */
export async function waitUntil(
  settings: WaitSettings,
  what: string,
  hint: string,
  check: () => Promise<PollResult>,
): Promise<void> {
  const startMs = settings.now();
  for (;;) {
    const result = await check();
    const elapsedS = Math.round((settings.now() - startMs) / 1000);
    settings.progress.update(`${what}: ${result.status} (${elapsedS} s)`);
    if (result.done) {
      return;
    }
    if (settings.now() - startMs >= settings.timeoutMs) {
      throw new ClusterError(
        `Timed out after ${formatSeconds(settings.timeoutMs)} waiting for ${what}; last status: ${result.status}. ${hint}`,
      );
    }
    try {
      await sleep(
        settings.pollIntervalMs,
        undefined,
        settings.signal === undefined ? {} : { signal: settings.signal },
      );
    } catch (error) {
      throw new AbortedError(`interrupted while waiting for ${what}`, { cause: error });
    }
  }
}
