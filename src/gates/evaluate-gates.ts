import type { RunRecord } from '../results/types.js';
import { findRowName } from '../scenario/row-names.js';
import { EVENT_METRIC_ABSENCE } from '../stats/event-metrics.js';
import { summarizeRow } from '../stats/metrics.js';
import { getPercentile, sortAscending } from '../stats/percentile.js';
import { createSeededRng } from '../stats/seeded-rng.js';
import { EVENT_METRIC_NAMES } from '../stats/types.js';
import type { EventMetricName, MetricName, MetricSummary, RowSummary } from '../stats/types.js';
import type { GateExpression, MetricReference, ParsedGate } from './gate-ast.js';
import type { GateAggregate, GateOperator, GateResult } from './types.js';

/** What gates are evaluated on: a run's records and its per-row summaries (a `ResultsFile` fits). */
export interface GateInputs {
  readonly runs: readonly RunRecord[];
  readonly summaries: readonly RowSummary[];
}

/** The results a gate's `baseline.<metric>` refers to (a `ResultsFile` fits). */
export interface GateBaseline {
  readonly summaries: readonly RowSummary[];
}

/**
 * Evaluates gates per row: a `*` gate yields one result per row in the results (summaries first, then rows only
 * present in `runs`, whose summary is then computed here with a fixed seed); a named gate finds its row as
 * {@link findRowName} does (exact, then ignoring case). Metrics are reduced over repetitions as each reference says
 * (median by default). A gate that cannot be evaluated — its row is absent, it needs a baseline that is missing, or
 * its threshold is not a finite number — fails with `error` set. `==` and `!=` compare exactly.
 */
export function evaluateGates(
  gates: readonly ParsedGate[],
  results: GateInputs,
  baseline?: GateBaseline,
): GateResult[] {
  const summaries = collectSummaries(results);
  const rows = [...summaries.keys()];
  return gates.flatMap((gate) => {
    if (gate.row === '*') {
      if (rows.length === 0) return [failGate(gate, '*', 'the results hold no row to apply it to')];
      return rows.map((row) => evaluateGate(gate, row, summaries, baseline));
    }
    const row = findRowName(rows, gate.row);
    if (row === undefined) {
      const known = rows.length === 0 ? 'none' : rows.join(', ');
      return [failGate(gate, gate.row, `no results for row ${gate.row}; the rows are: ${known}`)];
    }
    return [evaluateGate(gate, row, summaries, baseline)];
  });
}

function collectSummaries(results: GateInputs): Map<string, RowSummary> {
  const summaries = new Map(results.summaries.map((summary) => [summary.row, summary]));
  for (const run of results.runs) {
    if (summaries.has(run.row)) continue;
    const metrics = results.runs.filter((other) => other.row === run.row).map((other) => other.metrics);
    summaries.set(run.row, summarizeRow(run.row, metrics, createSeededRng(1)));
  }
  return summaries;
}

interface EvaluationContext {
  readonly current: RowSummary;
  readonly baseline: RowSummary | undefined;
}

function evaluateGate(
  gate: ParsedGate,
  row: string,
  summaries: ReadonlyMap<string, RowSummary>,
  baseline: GateBaseline | undefined,
): GateResult {
  const current = summaries.get(row);
  if (current === undefined) return failGate(gate, row, `no results for row ${row}`);
  const value = reduceMetric(findMetric(current, gate.lhs.metric), gate.lhs.aggregate);
  let baselineSummary: RowSummary | undefined;
  if (gate.usesBaseline) {
    if (baseline === undefined) {
      return failGate(gate, row, 'it refers to baseline.<metric> but no baseline results were given', value);
    }
    baselineSummary = baseline.summaries.find((summary) => summary.row === row);
    if (baselineSummary === undefined) {
      const known = baseline.summaries.map((summary) => summary.row).join(', ');
      return failGate(gate, row, `the baseline has no results for row ${row}; its rows are: ${known}`, value);
    }
  }
  const threshold = evaluateExpression(gate.rhs, { current, baseline: baselineSummary });
  const baselineValue =
    baselineSummary === undefined
      ? undefined
      : reduceMetric(findMetric(baselineSummary, gate.lhs.metric), gate.lhs.aggregate);
  if (!Number.isFinite(threshold) || !Number.isFinite(value)) {
    const error =
      isEventMetric(gate.lhs.metric) && !Number.isFinite(value)
        ? `${gate.lhs.metric} has no value: ${EVENT_METRIC_ABSENCE[gate.lhs.metric]} (see the report's event table)`
        : 'the value or threshold is not a finite number (a metric missing from the results, or a division by zero)';
    return { ...failGate(gate, row, error, Number.isFinite(value) ? value : 0), baselineValue };
  }
  return {
    gate: gate.text,
    row,
    metric: gate.lhs.metric,
    value,
    threshold,
    operator: gate.operator,
    passed: compareValues(value, gate.operator, threshold),
    baselineValue,
    error: undefined,
  };
}

function failGate(gate: ParsedGate, row: string, error: string, value = 0): GateResult {
  return {
    gate: gate.text,
    row,
    metric: gate.lhs.metric,
    value,
    threshold: 0,
    operator: gate.operator,
    passed: false,
    baselineValue: undefined,
    error,
  };
}

// Results files written by older versions may lack a metric; the type cannot promise it for data read from disk.
function findMetric(summary: RowSummary, metric: MetricName): MetricSummary | undefined {
  return (summary.metrics as Partial<Record<MetricName, MetricSummary>>)[metric];
}

/** Reduces a metric's repetitions: the median, a CI bound, or a nearest-rank percentile; NaN when it is missing. */
function reduceMetric(summary: MetricSummary | undefined, aggregate: GateAggregate): number {
  if (summary === undefined) return Number.NaN;
  if (aggregate === 'median') return summary.median;
  if (aggregate === 'low') return summary.ci.low;
  if (aggregate === 'high') return summary.ci.high;
  if (summary.values.length === 0) return summary.median;
  return getPercentile(sortAscending(summary.values), aggregate.percentile);
}

function evaluateExpression(expression: GateExpression, context: EvaluationContext): number {
  switch (expression.kind) {
    case 'number':
      return expression.value;
    case 'metric':
      return readReference(expression, context);
    case 'negate':
      return -evaluateExpression(expression.operand, context);
    case 'binary': {
      const left = evaluateExpression(expression.left, context);
      const right = evaluateExpression(expression.right, context);
      if (expression.operator === '+') return left + right;
      if (expression.operator === '-') return left - right;
      if (expression.operator === '*') return left * right;
      return left / right;
    }
  }
}

function readReference(reference: MetricReference, context: EvaluationContext): number {
  const summary = reference.source === 'baseline' ? context.baseline : context.current;
  // The caller checked that a baseline exists whenever the gate uses one.
  return summary === undefined
    ? Number.NaN
    : reduceMetric(findMetric(summary, reference.metric), reference.aggregate);
}

/** Applies a comparison operator. */
function compareValues(value: number, operator: GateOperator, threshold: number): boolean {
  switch (operator) {
    case '<=':
      return value <= threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '>':
      return value > threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

function isEventMetric(metric: MetricName): metric is EventMetricName {
  return (EVENT_METRIC_NAMES as readonly string[]).includes(metric);
}
