import path from 'node:path';
import { formatGateDiff, formatGateTable } from '../gates/format-gates.js';
import { listJudgedGates } from '../gates/offered-load-gate.js';
import { renderJunitXml } from '../report/junit.js';
import { renderSummaryMarkdown } from '../report/summary-md.js';
import { readResults } from '../results/read-results.js';
import type { ResultsFile } from '../results/types.js';
import { writeFileAtomic } from '../results/write-results.js';
import { judgeGates } from '../run/summarize-results.js';
import { applyOverrides } from '../scenario/apply-overrides.js';
import { getResultsSource } from '../report/source-label.js';
import { checkBaseline } from './baseline-mismatch.js';
import type { CliIo } from './cli-io.js';
import { EXIT_CODES } from './exit-codes.js';
import type { ParsedCommand } from './parse-args.js';
import { appendStepSummary } from './step-summary.js';

/**
 * `lbbench check results.json [--baseline other.json]`: re-evaluates the scenario's gates plus `--gate` on a
 * results file, prints each gate (and its diff against the baseline), and exits 1 when one fails.
 */
export async function runCheckCommand(
  command: Extract<ParsedCommand, { kind: 'check' }>,
  io: CliIo,
): Promise<number> {
  const results = await readResults(path.resolve(io.cwd, command.resultsPath));
  const baseline =
    command.baseline === undefined ? undefined : await readResults(path.resolve(io.cwd, command.baseline));
  const warnings = baseline === undefined ? [] : checkBaseline(results, baseline, command.allowMismatch);
  for (const warning of warnings) io.stderr.write(`${warning}\n`);
  const scenario = applyOverrides(results.scenario, { gate: command.gates }, 'command line');
  const gates = judgeGates(listJudgedGates(scenario), results, baseline);
  const judged: ResultsFile = { ...results, scenario, gates };
  // With --json, stdout holds only the JSON document.
  const out = command.json ? io.stderr : io.stdout;
  const source = getResultsSource(results);
  if (source === 'sim') out.write('Simulated results (lbbench sim): modelled, not measured.\n');
  if (gates.length === 0) out.write('No gates to check: add gates to the scenario or pass --gate.\n');
  else out.write(`${formatGateTable(gates)}\n`);
  if (baseline !== undefined) out.write(`\nAgainst the baseline:\n${formatGateDiff(gates)}\n`);
  if (command.junit !== undefined)
    await writeFileAtomic(path.resolve(io.cwd, command.junit), renderJunitXml(judged));
  await appendStepSummary(io, () => renderSummaryMarkdown(judged));
  if (command.json) io.stdout.write(`${JSON.stringify({ schemaVersion: 1, source, gates })}\n`);
  return gates.some((gate) => !gate.passed) ? EXIT_CODES.gateFailed : EXIT_CODES.ok;
}
