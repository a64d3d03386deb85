import { inspect } from 'node:util';
import { LbbenchError } from '../errors.js';
import type { CliIo } from './cli-io.js';
import { isSystemError } from './exit-codes.js';

/**
 * What the CLI prints for an error that stopped a command: `lbbench: <message>`. An error lbbench did not raise on
 * purpose (a bug) also gets its stack and causes and a request to report it; `LBB_DEBUG=1` shows the stack and
 * causes of every error.
 */
export function formatCliError(error: unknown, env: CliIo['env']): string {
  const message = describeCliError(error);
  const isBug = !(error instanceof LbbenchError) && !isSystemError(error);
  const lines = [`lbbench: ${message}`];
  if (isBug || env.LBB_DEBUG === '1') lines.push(inspect(error));
  if (isBug) lines.push('This is a bug in lbbench; please report it with the output above.');
  return `${lines.join('\n')}\n`;
}

/** Plain words for an operating-system error, e.g. `cannot mkdir /etc/hostname/x: not a directory`, without errno text. */
function describeSystemError(error: NodeJS.ErrnoException): string {
  // Node's own message reads "ENOTDIR: not a directory, mkdir '/etc/hostname/x'": keep only the description.
  const description = /^[A-Z]+: ([^,]+)/.exec(error.message)?.[1] ?? error.code ?? 'failed';
  const target = typeof error.path === 'string' ? ` ${error.path}` : '';
  return `cannot ${error.syscall ?? 'do that'}${target}: ${description}`;
}

/** The one-line message of an error that stopped a command, as the CLI prints it after `lbbench: `. */
export function describeCliError(error: unknown): string {
  if (isSystemError(error)) return describeSystemError(error);
  return error instanceof Error ? error.message : String(error);
}
