import type { GateSpec } from '../scenario/types.js';
import type { MetricName } from '../stats/types.js';
import type { GateAggregate, GateOperator } from './types.js';

/** A metric of the gate's row, from this run's results or from the baseline, reduced over repetitions. */
export interface MetricReference {
  readonly kind: 'metric';
  readonly source: 'results' | 'baseline';
  readonly metric: MetricName;
  readonly aggregate: GateAggregate;
}

/** Arithmetic operators allowed on the right-hand side. */
export type ArithmeticOperator = '+' | '-' | '*' | '/';

/** The right-hand side of a gate: numbers, metric references and arithmetic. */
export type GateExpression =
  | { readonly kind: 'number'; readonly value: number }
  | MetricReference
  | { readonly kind: 'negate'; readonly operand: GateExpression }
  | {
      readonly kind: 'binary';
      readonly operator: ArithmeticOperator;
      readonly left: GateExpression;
      readonly right: GateExpression;
    };

/** A gate after parsing: `lhs operator rhs`, applied to one row or to every row (`*`). */
export interface ParsedGate {
  /** The gate for messages and results, e.g. `ROUND_ROBIN: jain >= 0.999`. */
  readonly text: string;
  /** The row name as the gate wrote it, or `*`. */
  readonly row: string;
  readonly origin: GateSpec['origin'];
  readonly lhs: MetricReference;
  readonly operator: GateOperator;
  readonly rhs: GateExpression;
  /** True when the right-hand side refers to `baseline.<metric>`. */
  readonly usesBaseline: boolean;
}
