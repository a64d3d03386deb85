import { fileURLToPath } from 'node:url';
import type { LbPolicy } from 'lbbench-proxy';
import type { RunRecord } from '../../../src/results/types.js';
import { loadScenario } from '../../../src/scenario/load-scenario.js';
import type {
  LoadSpec,
  PolicyEntry,
  ProxySpec,
  Scenario,
  SimSpec,
  UpstreamSpec,
} from '../../../src/scenario/types.js';
import { simulateRun } from '../../../src/sim/simulate.js';
import type { BalancerFactory } from 'lbbench-proxy';
import { envoyRow } from '../../../src/scenario/envoy-row.js';

/** Loads `test/fixtures/sim/<name>`. */
export function loadSimFixture(name: string): Promise<Scenario> {
  return loadScenario(fileURLToPath(new URL(`../../fixtures/sim/${name}`, import.meta.url)));
}

/** Loads a bundled scenario, `scenarios/<name>.yaml`. */
export function loadBundledScenario(name: string): Promise<Scenario> {
  return loadScenario(fileURLToPath(new URL(`../../../scenarios/${name}.yaml`, import.meta.url)));
}

/** Changes to a scenario's sections, merged field by field. */
export interface ScenarioChanges {
  readonly replicas?: number;
  readonly seed?: number;
  readonly repetitions?: number;
  readonly policies?: readonly PolicyEntry[];
  readonly events?: Scenario['events'];
  readonly proxy?: Partial<ProxySpec>;
  readonly load?: Partial<LoadSpec>;
  readonly upstream?: Partial<UpstreamSpec>;
  readonly sim?: Partial<SimSpec>;
}

/** A copy of `scenario` with `changes` applied. */
export function changeScenario(scenario: Scenario, changes: ScenarioChanges): Scenario {
  return {
    ...scenario,
    ...(changes.replicas === undefined ? {} : { replicas: changes.replicas }),
    ...(changes.seed === undefined ? {} : { seed: changes.seed }),
    ...(changes.repetitions === undefined ? {} : { repetitions: changes.repetitions }),
    ...(changes.policies === undefined ? {} : { policies: changes.policies }),
    ...(changes.events === undefined ? {} : { events: changes.events }),
    proxy: { ...scenario.proxy, ...changes.proxy },
    load: { ...scenario.load, ...changes.load },
    upstream: { ...scenario.upstream, ...changes.upstream },
    sim: { ...scenario.sim, ...changes.sim },
  };
}

/** Simulates one run of `policy` (repetition 0) with run seed `seed`. */
export function simulate(
  scenario: Scenario,
  policy: LbPolicy,
  seed: number,
  createBalancer?: BalancerFactory,
): RunRecord {
  return simulateRun(
    { scenario, row: envoyRow(policy), repetition: 0, seed },
    createBalancer === undefined ? {} : { createBalancer },
  );
}

/** `rq_total` per host, in host order. */
export function getRqTotals(record: RunRecord): number[] {
  return record.hosts.map((host) => host.delta.rq_total);
}

/** Sum of a list of numbers. */
export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
