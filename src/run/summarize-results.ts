import { evaluateGates } from '../gates/evaluate-gates.js';
import type { GateBaseline } from '../gates/evaluate-gates.js';
import { parseGate } from '../gates/parse-gate.js';
import type { GateResult } from '../gates/types.js';
import type { RunRecord } from '../results/types.js';
import type { GateSpec } from '../scenario/types.js';
import { summarizeRow } from '../stats/metrics.js';
import { createSeededRng } from '../stats/seeded-rng.js';
import type { RowSummary } from '../stats/types.js';

/**
 * Summaries per row (in the order rows first ran) with bootstrap intervals drawn from `seed`, so the same runs
 * always give the same intervals.
 */
export function summarizeRuns(runs: readonly RunRecord[], seed: number): RowSummary[] {
  const rows = [...new Set(runs.map((run) => run.row))];
  const rng = createSeededRng(seed);
  return rows.map((row) =>
    summarizeRow(
      row,
      runs.filter((run) => run.row === row).map((run) => run.metrics),
      rng,
    ),
  );
}

/** Parses and evaluates gates on runs and their summaries, against a baseline when given. */
export function judgeGates(
  gates: readonly GateSpec[],
  results: { readonly runs: readonly RunRecord[]; readonly summaries: readonly RowSummary[] },
  baseline?: GateBaseline,
): GateResult[] {
  return evaluateGates(gates.map(parseGate), results, baseline);
}
