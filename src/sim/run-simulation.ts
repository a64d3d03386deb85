import type { RunRecord } from '../results/types.js';
import type { Scenario } from '../scenario/types.js';
import { simulateRun } from './simulate-run.js';
import type { BalancerFactory } from '../../proxy/src/types.js';

/** Options of {@link runSimulation}. */
export interface RunSimulationOptions {
  /** Defaults to the proxy's own `createBalancer`; tests pass deliberately broken ones. */
  readonly createBalancer?: BalancerFactory;
  /** Called with each record as soon as it is done (progress, partial results). */
  readonly onRun?: (record: RunRecord) => void;
  /** `startedAt` of every record; defaults to the epoch (see `SIM_STARTED_AT`). */
  readonly startedAt?: string;
}

/**
 * The seed of the `runIndex`-th run (policy-major: policy p, repetition r is run p × repetitions + r), the same
 * `scenario.seed + runIndex` a live run gives its proxy, so a simulated run's workers start where the live proxy's
 * would. The run's own streams are mixed from it, so consecutive seeds give unrelated runs.
 */
export function getRunSeed(scenario: Scenario, runIndex: number): number {
  return scenario.seed + runIndex;
}

/**
 * Simulates every policy × repetition of a scenario, policies in scenario order and repetitions 0…n−1 as a live
 * run orders them, each with the seed {@link getRunSeed} gives. Pure and deterministic: the same scenario always
 * gives deep-equal records.
 */
export function runSimulation(scenario: Scenario, options: RunSimulationOptions = {}): RunRecord[] {
  const records: RunRecord[] = [];
  for (const record of simulateRuns(scenario, options)) {
    options.onRun?.(record);
    records.push(record);
  }
  return records;
}

/** The runs of {@link runSimulation} one at a time, so that a caller can stop between two (e.g. on Ctrl-C). */
export function* simulateRuns(
  scenario: Scenario,
  options: Omit<RunSimulationOptions, 'onRun'> = {},
): Generator<RunRecord, void, undefined> {
  let runIndex = 0;
  for (const policy of scenario.policies) {
    for (let repetition = 0; repetition < scenario.repetitions; repetition += 1) {
      yield simulateRun({
        scenario,
        policy,
        repetition,
        seed: getRunSeed(scenario, runIndex),
        ...(options.createBalancer === undefined ? {} : { createBalancer: options.createBalancer }),
        ...(options.startedAt === undefined ? {} : { startedAt: options.startedAt }),
      });
      runIndex += 1;
    }
  }
}
