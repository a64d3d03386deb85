import { AbortedError } from '../errors.js';

/**
 * The one abort check of lbbench: throws AbortedError (the abort reason as its cause) when `signal` has aborted.
 * `what` ends the message, e.g. `interrupted while waiting for the pods`.
 */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted === true) {
    throw new AbortedError(what === undefined ? 'interrupted' : `interrupted while ${what}`, {
      cause: signal.reason,
    });
  }
}

/** Whether `error` is the end of an abort: `signal` fired, or the error is an AbortedError or a DOM AbortError. */
export function isAbort(error: unknown, signal: AbortSignal): boolean {
  return (
    signal.aborted || error instanceof AbortedError || (error instanceof Error && error.name === 'AbortError')
  );
}

/** Returns a signal that aborts with `signal` (when given) or, with a `TimeoutError` reason, after `timeoutMs`. */
export function addTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}
