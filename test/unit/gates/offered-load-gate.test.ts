import { describe, expect, it } from 'vitest';
import { listJudgedGates, OFFERED_LOAD_GATE } from '../../../src/gates/offered-load-gate.js';
import { computeRunMetrics } from '../../../src/stats/metrics.js';
import type { Scenario } from '../../../src/scenario/types.js';
import { createLocalTestScenario } from '../../support/local-scenario.js';

const openLoop = (gates: Scenario['gates'] = []): Scenario => {
  const scenario = createLocalTestScenario({});
  return { ...scenario, gates, load: { ...scenario.load, rateRps: 100_000 } };
};

const LATENCY = { minMs: 1, meanMs: 1, p50Ms: 1, p90Ms: 1, p99Ms: 1, p999Ms: 1, maxMs: 1, resolutionMs: 1 };

describe('offered load', () => {
  it('computes achieved_rate_ratio as responses per second over the requested rate, 1 for a closed loop', () => {
    const base = {
      counts: [10, 10],
      latency: LATENCY,
      errors: 0,
      durationMs: 3000,
      slowPodShare: 0,
      rateFairness: { rateJain: 1, rateCv: 0 },
      eventMetrics: {
        convergence_ms: Number.NaN,
        errors_after_kill: Number.NaN,
        removed_traffic_ms: Number.NaN,
        slow_share_before: Number.NaN,
        slow_share_after: Number.NaN,
      },
    };
    const open = computeRunMetrics({ ...base, responses: 21_522, requestedRps: 100_000 });
    expect(open.achieved_rate_ratio).toBeCloseTo(0.07174, 5);
    expect(computeRunMetrics({ ...base, responses: 21_522 }).achieved_rate_ratio).toBe(1);
  });

  it('gates every open-loop scenario at 95 % of its rate', () => {
    expect(listJudgedGates(openLoop()).map((gate) => gate.expression)).toEqual([OFFERED_LOAD_GATE]);
    expect(OFFERED_LOAD_GATE).toBe('*: achieved_rate_ratio >= 0.95');
  });

  it('leaves a closed loop and a scenario that gates achieved_rate_ratio itself alone', () => {
    const closed = createLocalTestScenario({});
    expect(listJudgedGates(closed)).toEqual(closed.gates);
    const lowered = openLoop([{ row: '*', expression: '*: achieved_rate_ratio >= 0.5', origin: 'scenario' }]);
    expect(listJudgedGates(lowered)).toEqual(lowered.gates);
  });
});
