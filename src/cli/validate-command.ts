import { stringify } from 'yaml';
import type { CliIo } from './cli-io.js';
import { EXIT_CODES } from './exit-codes.js';
import type { ParsedCommand } from './parse-args.js';
import { loadScenarioWithOverrides } from './run-command.js';

/** `lbbench validate [scenario]`: checks a scenario and prints it resolved, every default filled in. */
export async function runValidateCommand(
  command: Extract<ParsedCommand, { kind: 'validate' }>,
  io: CliIo,
): Promise<number> {
  const scenario = await loadScenarioWithOverrides(command, io.cwd);
  io.stderr.write(`${scenario.sourcePath}: valid\n`);
  io.stdout.write(stringify(scenario));
  return EXIT_CODES.ok;
}
