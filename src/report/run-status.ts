import type { ResultsFile, RunRecord } from '../results/types.js';

/** How many repetitions of a policy ran, against how many the scenario asked for. */
export interface PolicyCoverage {
  readonly policy: string;
  readonly ran: number;
  readonly expected: number;
}

/** Whether every requested run is in the results, and what is missing when not. */
export interface RunCoverage {
  readonly status: ResultsFile['status'];
  readonly isComplete: boolean;
  /** Every policy in display order (scenario order first, then any others by name). */
  readonly policies: readonly PolicyCoverage[];
  /** Policies with fewer repetitions than requested (none at all or some). */
  readonly incomplete: readonly PolicyCoverage[];
  /** One sentence for people, e.g. `Partial: 3 of 9 runs finished; missing RANDOM (0 of 3 repetitions).` */
  readonly headline: string;
}

/** Lists policies in display order: the scenario's order, then policies only seen in runs/summaries/gates. */
export function listPolicies(results: ResultsFile): readonly string[] {
  const ordered: string[] = results.scenario.policies.map((row) => row.name);
  const extra = new Set<string>();
  for (const name of [
    ...results.runs.map((run) => run.row),
    ...results.summaries.map((summary) => summary.row),
    ...results.gates.map((gate) => gate.row),
  ]) {
    if (!ordered.includes(name)) {
      extra.add(name);
    }
  }
  return [...ordered, ...[...extra].sort()];
}

/** The 1-based repetition number people see, as the progress lines count: `#1` is the first run. */
export function numberRepetition(run: Pick<RunRecord, 'repetition'>): string {
  return `#${run.repetition + 1}`;
}

/** Returns the runs in display order: by policy (see {@link listPolicies}), then repetition. */
export function sortRuns(results: ResultsFile): readonly RunRecord[] {
  const order = listPolicies(results);
  return [...results.runs].sort(
    (left, right) => order.indexOf(left.row) - order.indexOf(right.row) || left.repetition - right.repetition,
  );
}

/** Works out which policies and repetitions ran and writes the status headline. */
export function describeCoverage(results: ResultsFile): RunCoverage {
  const expected = results.scenario.repetitions;
  const policies = listPolicies(results).map((policy) => ({
    policy,
    ran: results.runs.filter((run) => run.row === policy).length,
    expected: results.scenario.policies.some((row) => row.name === policy) ? expected : 0,
  }));
  const incomplete = policies.filter((entry) => entry.ran < entry.expected);
  const isComplete = results.status === 'complete' && incomplete.length === 0;
  return {
    status: results.status,
    isComplete,
    policies,
    incomplete,
    headline: writeHeadline(results, policies),
  };
}

function writeHeadline(results: ResultsFile, policies: readonly PolicyCoverage[]): string {
  const ran = results.runs.length;
  const wanted = results.scenario.policies.length * results.scenario.repetitions;
  const missing = policies
    .filter((entry) => entry.ran < entry.expected)
    .map((entry) => `${entry.policy} (${entry.ran} of ${entry.expected} repetitions)`);
  const counts = `${ran} of ${wanted} runs finished`;
  const missingText = missing.length === 0 ? '' : `; missing ${missing.join(', ')}`;
  switch (results.status) {
    case 'complete':
      return missing.length === 0
        ? `Complete: all ${wanted} runs finished.`
        : `Marked complete, but ${counts}${missingText}.`;
    case 'partial':
      return `Partial results: ${counts}${missingText}.`;
    case 'interrupted':
      return `Interrupted: ${counts}${missingText}.`;
    case 'failed':
      return `Failed: ${counts}${missingText}.`;
  }
}
