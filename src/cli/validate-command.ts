import { printScenario } from '../scenario/print-scenario.js';
import type { CliIo } from './cli-io.js';
import { EXIT_CODES } from './exit-codes.js';
import type { ParsedCommand } from './parse-args.js';
import { loadScenarioWithOverrides } from './run-command.js';

/**
 * `lbbench validate [scenario]`: checks a scenario and prints it on stdout as a scenario file with every default
 * filled in (which validates to the same scenario); the verdict line goes to stderr.
 */
export async function runValidateCommand(
  command: Extract<ParsedCommand, { kind: 'validate' }>,
  io: CliIo,
): Promise<number> {
  const scenario = await loadScenarioWithOverrides(command, io.cwd);
  io.stderr.write(`${scenario.sourcePath}: valid\n`);
  io.stdout.write(printScenario(scenario));
  return EXIT_CODES.ok;
}
