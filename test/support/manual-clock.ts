import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AbortedError } from '../../src/errors.js';
import { throwIfAborted } from '../../src/run/abort.js';
import type { Clock } from '../../src/run/clock.js';

interface PendingSleep {
  readonly atMs: number;
  readonly resolve: () => void;
}

/** A clock that moves only when the test calls `advance`; every sleep is recorded. */
export class ManualClock implements Clock {
  /** The duration of every sleep asked for, in order. */
  readonly sleeps: number[] = [];
  #nowMs = 0;
  #pending: PendingSleep[] = [];

  readonly now = (): number => this.#nowMs;

  readonly sleep = (durationMs: number, signal: AbortSignal | undefined): Promise<void> => {
    this.sleeps.push(durationMs);
    throwIfAborted(signal);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#pending = this.#pending.filter((other) => other !== pending);
        reject(new AbortedError('interrupted', { cause: signal?.reason }));
      };
      const pending: PendingSleep = {
        atMs: this.#nowMs + durationMs,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.#pending.push(pending);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  /** Sleeps not yet over. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Moves time forward by `durationMs`, waking the sleeps that end meanwhile in order and letting them run. */
  async advance(durationMs: number): Promise<void> {
    const targetMs = this.#nowMs + durationMs;
    for (;;) {
      await settle();
      const due = this.#pending
        .filter((pending) => pending.atMs <= targetMs)
        .sort((a, b) => a.atMs - b.atMs)[0];
      if (due === undefined) break;
      this.#pending = this.#pending.filter((pending) => pending !== due);
      this.#nowMs = Math.max(this.#nowMs, due.atMs);
      due.resolve();
    }
    this.#nowMs = targetMs;
    await settle();
  }
}

/** Lets every promise continuation that does not wait for real I/O run. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await yieldToEventLoop();
}
