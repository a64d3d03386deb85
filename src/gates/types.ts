import type { MetricName } from '../stats/types.js';

/** How a gate reduces a metric's values over repetitions: the median, or a bootstrap CI bound. */
export type GateAggregate = 'median' | 'low' | 'high' | { readonly percentile: number };

/** Comparison operators a gate may use. */
export const GATE_OPERATORS = ['<=', '>=', '<', '>', '==', '!='] as const;
/** One of {@link GATE_OPERATORS}. */
export type GateOperator = (typeof GATE_OPERATORS)[number];

/** The outcome of one gate for one row. */
export interface GateResult {
  /** The gate as written, e.g. `ROUND_ROBIN: jain >= 0.999`. */
  readonly gate: string;
  /** The row it was evaluated for (`*` when the results hold none). */
  readonly row: string;
  readonly metric: MetricName;
  /** The measured value the gate compared (after aggregation over repetitions). */
  readonly value: number;
  /** The threshold it was compared with (after evaluating baseline references). */
  readonly threshold: number;
  readonly operator: GateOperator;
  readonly passed: boolean;
  /** The baseline's value of the same metric, when the gate referred to a baseline. */
  readonly baselineValue: number | undefined;
  /** Why it could not be evaluated (e.g. row missing from the results); such a gate fails. */
  readonly error: string | undefined;
}
