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

/** The exit code an error stands for; anything that is not an LbbenchError is an internal error. */
export function getExitCode(error: unknown): number {
  return error instanceof LbbenchError ? BY_CATEGORY[error.category] : EXIT_CODES.internal;
}
