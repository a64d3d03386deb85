import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

import { throwIfAborted } from './abort.js';

/** Time as the run sees it: a monotonic `now` in ms and an abortable sleep. Tests pass a clock they drive. */
export interface Clock {
  readonly now: () => number;
  /** Waits `durationMs`. @throws AbortedError when `signal` aborts first. */
  readonly sleep: (durationMs: number, signal: AbortSignal | undefined) => Promise<void>;
}

/** The real clock: `performance.now()` and a timer. */
export const SYSTEM_CLOCK: Clock = {
  now: () => performance.now(),
  sleep: async (durationMs, signal) => {
    try {
      await delay(durationMs, undefined, signal === undefined ? {} : { signal });
    } catch (error) {
      throwIfAborted(signal);
      throw error;
    }
  },
};
