import { createBalancer as createProxyBalancer, type BalancerOptions, type LbPolicy } from 'lbbench-proxy';
import { ScenarioError } from '../errors.js';
import type { RunRecord } from '../results/types.js';
import type { Scenario } from '../scenario/types.js';
import { buildSimRunRecord } from './build-run-record.js';
import { runSimEngine } from './sim-engine.js';
import type { BalancerFactory } from './sim-types.js';

/** `startedAt` of simulated runs unless given: the epoch, so records depend on nothing but their inputs. */
export const SIM_STARTED_AT = new Date(0).toISOString();

/** Envoy's (and lbbench-proxy's) cluster defaults for the balancer settings a scenario cannot change. */
export const SIM_BALANCER_SETTINGS: Omit<BalancerOptions, 'policy'> = {
  leastRequest: { choiceCount: 2, activeRequestBias: 1 },
  ringHash: { minimumRingSize: 1024, maximumRingSize: 8_388_608, hashFunction: 'XX_HASH' },
  maglev: { tableSize: 65_537 },
};

/** Options of {@link simulateRun}. */
export interface SimulateRunOptions {
  readonly scenario: Scenario;
  readonly policy: LbPolicy;
  /** 0-based, as in live runs. */
  readonly repetition: number;
  readonly seed: number;
  /** Defaults to the proxy's own `createBalancer`; tests pass deliberately broken ones. */
  readonly createBalancer?: BalancerFactory;
  /** Defaults to {@link SIM_STARTED_AT}. */
  readonly startedAt?: string;
}

/**
 * Simulates one policy × repetition and returns the same `RunRecord` a live run produces (`source: 'sim'`).
 *
 * The model: `proxy.concurrency` workers, each with its own balancer instance, seed and random source derived
 * from `seed` exactly as lbbench-proxy derives them from `--seed`. Client connections are pinned to a worker
 * chosen uniformly at random. Closed loop: each connection sends its next request when the previous one ends;
 * open loop (`load.rateRps`): Poisson arrivals, each on a random connection, never held back by a busy one.
 * A pod is an infinite-server queue: service time `sim.baseServiceTimeMs` (fixed or exponential) plus its added
 * delay (its `upstream.pods` override, else `upstream.delayMs`; a `slow` event replaces it). LEAST_REQUEST reads
 * the pods' global in-flight counts. Events act on the pods at `atMs` after the warm-up; the balancers see host
 * changes only at the next DNS refresh (every `proxy.dnsRefreshRateMs`, first one at a random phase). A killed
 * pod's requests in flight fail (503, `rq_error`) and requests sent to it before the refresh are refused (503,
 * `cx_connect_fail`); pods scaled away drain. Requests count by when they are sent: those sent in the warm-up
 * are excluded, the window is `load.durationMs` or the first `sim.requests` sent after the warm-up, and every
 * counted request is followed to its end. A response slower than `load.timeoutMs` is a client timeout.
 * @throws ScenarioError when simulated time could not advance (closed loop with 0 ms responses).
 */
export function simulateRun(options: SimulateRunOptions): RunRecord {
  const { scenario, policy, repetition, seed } = options;
  assertSimulatable(scenario);
  const factory = options.createBalancer ?? createProxyBalancer;
  const balancer = factory({ policy, ...SIM_BALANCER_SETTINGS });
  const outcome = runSimEngine({ scenario, policy, seed, balancer });
  return buildSimRunRecord(
    { scenario, policy, repetition, seed, startedAt: options.startedAt ?? SIM_STARTED_AT },
    outcome,
  );
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
