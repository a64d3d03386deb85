import type { GateBaseline } from '../gates/evaluate-gates.js';
import { listJudgedGates } from '../gates/offered-load-gate.js';
import type { ResultsFile, RunRecord, RunStatus } from '../results/types.js';
import { RESULTS_SCHEMA_VERSION } from '../results/types.js';
import type { Scenario } from '../scenario/types.js';
import { LBBENCH_VERSION } from '../version.js';
import { judgeGates, summarizeRuns } from './summarize-results.js';

/** Everything a results.json is made of before the statistics over repetitions and the gates. */
export interface ResultsInput {
  readonly scenario: Scenario;
  readonly command: readonly string[];
  readonly environment: ResultsFile['environment'];
  readonly runs: readonly RunRecord[];
  readonly status: RunStatus;
  readonly error: string | undefined;
  readonly createdAt: string;
  readonly baseline?: GateBaseline | undefined;
}

/** Assembles results.json: summaries over repetitions and every gate's verdict. Pure. */
export function buildResults(input: ResultsInput): ResultsFile {
  const summaries = summarizeRuns(input.runs, input.scenario.seed);
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'lbbench', version: LBBENCH_VERSION },
    createdAt: input.createdAt,
    command: input.command,
    scenario: input.scenario,
    environment: input.environment,
    status: input.status,
    error: input.error,
    runs: input.runs,
    summaries,
    // Judged also when no run finished: a failed run fails its gates, as `lbbench check` says of the same file.
    gates: judgeGates(listJudgedGates(input.scenario), { runs: input.runs, summaries }, input.baseline),
  };
}
