import path from 'node:path';
import { writeReport } from '../report/write-report.js';
import { readResults } from '../results/read-results.js';
import type { CliIo } from './cli-io.js';
import { EXIT_CODES } from './exit-codes.js';

/** `lbbench report results.json`: re-renders the report files from a results file. */
export async function runReportCommand(
  command: { resultsPath: string; out: string | undefined },
  io: CliIo,
): Promise<number> {
  const resultsPath = path.resolve(io.cwd, command.resultsPath);
  const results = await readResults(resultsPath);
  const outDir = command.out === undefined ? path.dirname(resultsPath) : path.resolve(io.cwd, command.out);
  const paths = await writeReport(results, outDir);
  io.stdout.write(`Report:  ${paths.htmlPath}\nSummary: ${paths.summaryPath}\nJUnit:   ${paths.junitPath}\n`);
  return EXIT_CODES.ok;
}
