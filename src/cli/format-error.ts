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
  const message = error instanceof Error ? error.message : String(error);
  const isBug = !(error instanceof LbbenchError) && !isSystemError(error);
  const lines = [`lbbench: ${message}`];
  if (isBug || env.LBB_DEBUG === '1') lines.push(inspect(error));
  if (isBug) lines.push('This is a bug in lbbench; please report it with the output above.');
  return `${lines.join('\n')}\n`;
}
