import { LbbenchError } from '../errors.js';
import type { ErrorCategory } from '../errors.js';

/** lbbench's exit codes; the only place they are defined. */
export const EXIT_CODES = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  environment: 3,
  internal: 4,
  interrupted: 130,
} as const;

const BY_CATEGORY: Readonly<Record<ErrorCategory, number>> = {
  usage: EXIT_CODES.usage,
  environment: EXIT_CODES.environment,
  aborted: EXIT_CODES.interrupted,
  internal: EXIT_CODES.internal,
};

/**
 * Whether an error is one the operating system reported for a system call (`ENOENT`, `EACCES`, `ENOSPC`…, with
 * its `syscall`), e.g. an output folder that cannot be written: a problem of the machine, not of lbbench.
 */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof syscall === 'string';
}

/**
 * The exit code an error stands for. An operating-system error is an environment error; anything else that is not
 * an LbbenchError is an internal error.
 */
export function getExitCode(error: unknown): number {
  if (error instanceof LbbenchError) return BY_CATEGORY[error.category];
  return isSystemError(error) ? EXIT_CODES.environment : EXIT_CODES.internal;
}
