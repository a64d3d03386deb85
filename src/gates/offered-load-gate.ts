import type { GateSpec, Scenario } from '../scenario/types.js';
import { parseGate } from './parse-gate.js';

/**
 * The least share of an open loop's requested rate a run must reach. Below it the load generator, not the
 * balancer, set the pace, and the run did not measure what the scenario asked for.
 */
export const MIN_ACHIEVED_RATE_RATIO = 0.95;

/** The gate every open-loop run gets, unless the scenario declares its own on `achieved_rate_ratio`. */
export const OFFERED_LOAD_GATE = `*: achieved_rate_ratio >= ${MIN_ACHIEVED_RATE_RATIO}`;

/**
 * The gates a results file is judged by: the scenario's, plus {@link OFFERED_LOAD_GATE} for an open loop. A
 * scenario lowers (or raises) that bound by gating `achieved_rate_ratio` itself.
 */
export function listJudgedGates(scenario: Pick<Scenario, 'gates' | 'load'>): GateSpec[] {
  if (scenario.load.rateRps === undefined) return [...scenario.gates];
  const isDeclared = scenario.gates.some((spec) => parseGate(spec).lhs.metric === 'achieved_rate_ratio');
  if (isDeclared) return [...scenario.gates];
  return [...scenario.gates, { row: '*', expression: OFFERED_LOAD_GATE, origin: 'scenario' }];
}
