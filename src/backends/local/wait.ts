import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

import { AbortedError } from '../../errors.js';

/** How long and how often to poll, and what to check between attempts. */
export interface PollOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  /** Throws when waiting is pointless (e.g. the process being waited for has exited). */
  readonly assertAlive?: () => Promise<void>;
}

/**
 * Calls `probe` until it returns a value other than `undefined`, then returns that value; returns `undefined`
 * when `timeoutMs` passed first.
 * @throws AbortedError when `signal` aborts; whatever `assertAlive` throws.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T | undefined> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    throwIfAborted(options.signal);
    await options.assertAlive?.();
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (performance.now() >= deadline) {
      return undefined;
    }
    await sleep(options.intervalMs, options.signal);
  }
}

/** Waits `durationMs`. @throws AbortedError when `signal` aborts first. */
export async function sleep(durationMs: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(durationMs, undefined, { signal });
  } catch (error) {
    throwIfAborted(signal);
    throw error;
  }
}

/** Returns a signal that aborts with `signal` (when given) or, with a `TimeoutError` reason, after `timeoutMs`. */
export function addTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}

/** @throws AbortedError (with the abort reason as cause) when `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new AbortedError('interrupted', { cause: signal.reason });
  }
}

/** Whether a TCP connection to `host:port` is accepted within `timeoutMs`. */
export async function canConnect(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (accepted: boolean): void => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(timeoutMs, () => {
      finish(false);
    });
    socket.once('connect', () => {
      finish(true);
    });
    socket.once('error', () => {
      finish(false);
    });
  });
}
