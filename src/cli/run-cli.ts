import { runCheckCommand } from './check-command.js';
import type { CliIo } from './cli-io.js';
import { EXIT_CODES, getExitCode } from './exit-codes.js';
import { describeCliError, formatCliError } from './format-error.js';
import { parseArgs } from './parse-args.js';
import { runReportCommand } from './report-command.js';
import { runRunCommand } from './run-command.js';
import { runScenariosCommand } from './scenarios-command.js';
import { runValidateCommand } from './validate-command.js';

/** Runs `lbbench` with `io.argv` and returns the exit code; every error becomes a message and a code. */
export async function runCli(io: CliIo): Promise<number> {
  try {
    const command = parseArgs(io.argv);
    switch (command.kind) {
      case 'info':
        io.stdout.write(command.text);
        return EXIT_CODES.ok;
      case 'run':
        return await runRunCommand(command, io);
      case 'report':
        return await runReportCommand(command, io);
      case 'check':
        return await runCheckCommand(command, io);
      case 'scenarios':
        return await runScenariosCommand(io);
      case 'validate':
        return await runValidateCommand(command, io);
    }
  } catch (error) {
    io.stderr.write(formatCliError(error, io.env));
    const exitCode = getExitCode(error);
    // A script that asked for JSON reads stdout only: it gets the failure as JSON too.
    if (io.argv.includes('--json')) {
      io.stdout.write(
        `${JSON.stringify({ schemaVersion: 1, status: 'error', error: describeCliError(error), exitCode })}\n`,
      );
    }
    return exitCode;
  }
}
