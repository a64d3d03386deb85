import { createBalancer as createProxyBalancer } from 'lbbench-proxy';
import type { BalancerFactory } from 'lbbench-proxy';
import { ScenarioError } from '../errors.js';
import type { RunRecord } from '../results/types.js';
import type { PolicyEntry, Scenario } from '../scenario/types.js';
import { buildSimRunRecord } from './build-run-record.js';
import { runSimEngine } from './sim-engine.js';
import type { SimulatedRow } from './sim-types.js';

/** `startedAt` of simulated runs unless given: the epoch, so records depend on nothing but their inputs. */
export const SIM_STARTED_AT = new Date(0).toISOString();

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Builds each simulated worker's balancer; defaults to the proxy's own `createBalancer` (tests break it). */
  readonly createBalancer?: BalancerFactory;
  /** `startedAt` of every record; defaults to {@link SIM_STARTED_AT}. */
  readonly startedAt?: string;
}

/**
 * The seed of the `runIndex`-th run (row-major: row p, repetition r is run p × repetitions + r), the same
 * `scenario.seed + runIndex` a live run gives its proxy, so a simulated run's workers start where the live proxy's
 * would. The run's own streams are mixed from it, so consecutive seeds give unrelated runs.
 */
export function getRunSeed(scenario: Scenario, runIndex: number): number {
  return scenario.seed + runIndex;
}

/**
 * The simulator's entry point: simulates every row × repetition of a scenario, rows in scenario order and
 * repetitions 0…n−1 as a live run orders them, each with the seed {@link getRunSeed} gives, and yields each run's
 * `RunRecord` (`source: 'sim'`, the same shape a live run produces) as soon as it is done, so that a caller can
 * stop between two runs (e.g. on Ctrl-C); `[...simulate(scenario)]` gives them all. Pure and deterministic: the
 * same scenario always gives deep-equal records.
 *
 * The model: `proxy.concurrency` workers, each with its own balancer instance, seed and random source derived
 * from the run's seed exactly as lbbench-proxy derives them from `--seed`. Client connections are pinned to a
 * worker chosen uniformly at random. Closed loop: each connection sends its next request when the previous one
 * ends; open loop (`load.rateRps`): Poisson arrivals, each on a random connection, never held back by a busy one.
 * A pod is an infinite-server queue: service time `sim.baseServiceTimeMs` (fixed or exponential) plus its added
 * delay (its `upstream.pods` override, else `upstream.delayMs`; a `slow` event replaces it). LEAST_REQUEST reads
 * the pods' global in-flight counts. Events act on the pods at `atMs` after the warm-up; the balancers see host
 * changes only at the next DNS refresh (every `proxy.dnsRefreshRateMs`, first one at a random phase). A killed
 * pod's requests in flight fail (503, `rq_error`) and requests sent to it before the refresh are refused (503,
 * `cx_connect_fail`); pods scaled away drain. Requests count by when they are sent: those sent in the warm-up
 * are excluded, the window is `load.durationMs` or the first `sim.requests` sent after the warm-up, and every
 * counted request is followed to its end. A response slower than `load.timeoutMs` is a client timeout. A row's
 * retries, outlier detection and active health checks run with lbbench-proxy's own rules and state machines
 * (see `SimRetries` and `SimClusterHealth`): each attempt counts on its pod, the client sees one response.
 * @throws ScenarioError when simulated time could not advance (closed loop with 0 ms responses).
 */
export function* simulate(
  scenario: Scenario,
  options: SimulateOptions = {},
): Generator<RunRecord, void, undefined> {
  let runIndex = 0;
  for (const row of scenario.policies) {
    if (!isSimulatedRow(row)) {
      // HAProxy and nginx run their own code, which the simulator does not model: their rows are skipped (the
      // caller says so), keeping the other rows' run seeds those of a live run.
      runIndex += scenario.repetitions;
      continue;
    }
    for (let repetition = 0; repetition < scenario.repetitions; repetition += 1) {
      yield simulateRun({ scenario, row, repetition, seed: getRunSeed(scenario, runIndex) }, options);
      runIndex += 1;
    }
  }
}

/** Whether the simulator models a row: Envoy rows and CLUSTER_IP, not HAProxy or nginx (their own code). */
export function isSimulatedRow(row: PolicyEntry): row is SimulatedRow {
  return row.proxy === 'envoy' || row.proxy === 'cluster-ip';
}

/** Which run of a scenario {@link simulateRun} simulates. */
export interface SimRun {
  readonly scenario: Scenario;
  readonly row: SimulatedRow;
  /** 0-based, as in live runs. */
  readonly repetition: number;
  readonly seed: number;
}

/**
 * One run of {@link simulate}: one row × repetition with the given run seed, for callers that pick their own
 * seeds (tests of the model).
 * @throws ScenarioError when simulated time could not advance (closed loop with 0 ms responses).
 */
export function simulateRun(run: SimRun, options: SimulateOptions = {}): RunRecord {
  const { scenario, row, repetition, seed } = run;
  assertSimulatable(scenario);
  const createBalancer = options.createBalancer ?? createProxyBalancer;
  const outcome = runSimEngine({ scenario, row, seed, createBalancer });
  const startedAt = options.startedAt ?? SIM_STARTED_AT;
  return buildSimRunRecord({ scenario, row, repetition, seed, startedAt }, outcome);
}

/**
 * A closed loop whose pods answer in 0 ms would send endless requests without simulated time moving on: that
 * happens when neither a base service time nor a delay is set and the run is bounded by time (or has a warm-up).
 */
function assertSimulatable(scenario: Scenario): void {
  const { load, sim, upstream } = scenario;
  const isBoundByTime = sim.requests === undefined || load.warmupMs > 0;
  if (load.rateRps !== undefined || !isBoundByTime) return;
  if (sim.baseServiceTimeMs > 0 || upstream.delayMs > 0) return;
  const file = scenario.sourcePath === '' ? '(scenario built in code)' : scenario.sourcePath;
  throw new ScenarioError(file, [
    {
      path: 'sim.baseServiceTime',
      message:
        'must be greater than 0 ms for a closed-loop simulation bounded by time (load.duration or load.warmup), ' +
        'got 0 ms with upstream.delay 0 ms: every response would take no time, so simulated time could not ' +
        'advance; set sim.baseServiceTime (e.g. 1ms), upstream.delay, or load.rate',
    },
  ]);
}
