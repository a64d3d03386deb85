import { createBalancer, createRng } from 'lbbench-proxy';
import type { LbPolicy } from 'lbbench-proxy';
import { describe, expect, it } from 'vitest';
import type { RetrySettings, Scenario } from '../../../src/scenario/types.js';
import { getSimBalancerOptions } from '../../../src/sim/balancer-settings.js';
import { SimFleet } from '../../../src/sim/sim-fleet.js';
import { SimProxy } from '../../../src/sim/sim-proxy.js';
import { toRetryPolicy } from '../../../src/sim/sim-retries.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import { changeScenario, loadBundledScenario, simulate, sum } from './sim-fixtures.js';

const RETRIES: RetrySettings = {
  retryOn: ['5xx'],
  numRetries: 1,
  perTryTimeoutMs: undefined,
  previousHosts: true,
  hostSelectionRetryMaxAttempts: 3,
};

/**
 * failing-pod.yaml without outlier detection, pod 1 answering 503 to everything from the start, `connections`
 * client connections and the given retries.
 */
async function loadFailingPod(connections: number, retries: RetrySettings | undefined): Promise<Scenario> {
  return changeScenario(await loadBundledScenario('failing-pod'), {
    events: [],
    proxy: { outlierDetection: undefined, retries },
    load: { connections, durationMs: 3000, warmupMs: 500 },
    upstream: { pods: [{ index: 1, errorRate: 1 }] },
  });
}

describe('retries in the simulator', () => {
  it.each([
    // Round robin's next pick after the failing pod is another pod: no request fails.
    ['ROUND_ROBIN', 0],
    // Least request may draw the failing pod (fewest requests in flight) in all 4 picks: rarely, a retry fails too.
    ['LEAST_REQUEST', 0.01],
  ] as const)(
    '%s with previous_hosts: the client sees (almost) no error, the failing pod counts every attempt it got',
    async (policy, maxErrorShare) => {
      // Two connections hold at most two retries at once: Envoy's max_retries breaker (3) never overflows.
      const record = simulate(await loadFailingPod(2, RETRIES), policy, 1);
      const failing = record.hosts[1]!.delta;
      expect(failing.rq_total).toBeGreaterThan(100);
      expect(failing.rq_error).toBe(failing.rq_total);
      expect(record.load.non2xx).toBeLessThanOrEqual(maxErrorShare * failing.rq_error);
      // Each failed attempt was retried once (its retry failing only when it drew the same pod again).
      const upstreamTotal = sum(record.hosts.map((host) => host.delta.rq_total));
      expect(upstreamTotal).toBe(record.load.requestsSent + failing.rq_error - record.load.non2xx);
    },
  );

  it('without retries the same pod fails its share of the requests', async () => {
    const record = simulate(await loadFailingPod(2, undefined), 'ROUND_ROBIN', 1);
    const failing = record.hosts[1]!.delta;
    expect(record.load.non2xx).toBe(failing.rq_error);
    expect(record.load.non2xx / record.load.requestsSent).toBeCloseTo(0.25, 2);
  });

  it('more failures at once than max_retries (3) allows: the overflow reaches the client', async () => {
    const record = simulate(await loadFailingPod(64, RETRIES), 'ROUND_ROBIN', 1);
    const failing = record.hosts[1]!.delta;
    const retried = sum(record.hosts.map((host) => host.delta.rq_total)) - record.load.requestsSent;
    expect(record.load.non2xx).toBeGreaterThan(0);
    expect(retried).toBeGreaterThan(0);
    // Every failed attempt was either retried or answered to the client as it was.
    expect(retried + record.load.non2xx).toBe(failing.rq_error);
  });

  it('numRetries 0 never retries', async () => {
    const record = simulate(await loadFailingPod(2, { ...RETRIES, numRetries: 0 }), 'ROUND_ROBIN', 1);
    expect(record.load.non2xx).toBe(record.hosts[1]!.delta.rq_error);
  });

  it('a per-try timeout retries a hung pod on another pod before the client gives up', async () => {
    const scenario = changeScenario(await loadFailingPod(2, { ...RETRIES, perTryTimeoutMs: 50 }), {
      upstream: { pods: [] },
      events: [{ atMs: 0, action: 'hang', pod: 1 }],
    });
    const record = simulate(scenario, 'ROUND_ROBIN', 1);
    const hung = record.hosts[1]!.delta;
    expect(record.load.timeouts).toBe(0);
    expect(record.load.non2xx).toBe(0);
    expect(hung.rq_timeout).toBeGreaterThan(0);
    expect(hung.rq_success).toBe(0);
  });
});

/** A simulated proxy over the four pods of failing-pod.yaml with one worker running `policy`. */
async function createProxy(policy: LbPolicy): Promise<SimProxy> {
  const scenario = await loadBundledScenario('failing-pod');
  const fleet = new SimFleet(scenario);
  const proxy = new SimProxy({
    runSeed: 7,
    workers: 1,
    connections: 1,
    maxPods: 4,
    balancerOptions: getSimBalancerOptions(envoyRow(policy)),
    createBalancer,
    setupRng: createRng(1),
    fleet,
    podActive: new Int32Array(4),
    windowStartMs: 0,
    now: () => 0,
    outlierDetection: undefined,
    healthCheck: undefined,
  });
  proxy.applyHostSet(fleet.readyIds(), 0);
  return proxy;
}

describe('retry host selection in the simulated proxy', () => {
  it.each(['RING_HASH', 'MAGLEV'] as const)(
    '%s: a retry stays on the request hash host without a predicate and moves with previous_hosts',
    async (policy) => {
      const proxy = await createProxy(policy);
      for (const hash of [1n, 0xdead_beefn, 0x1234_5678_9abc_def0n]) {
        const first = proxy.pickPod(0, hash);
        const noPredicate = toRetryPolicy({ ...RETRIES, previousHosts: false });
        expect(proxy.pickRetryPod(0, hash, { policy: noPredicate, attemptedPods: [first] })).toBe(first);
        const withPredicate = toRetryPolicy(RETRIES);
        const moved = proxy.pickRetryPod(0, hash, { policy: withPredicate, attemptedPods: [first] });
        expect(moved).toBeGreaterThanOrEqual(0);
        expect(moved).not.toBe(first);
      }
    },
  );

  it('ROUND_ROBIN with previous_hosts skips every pod already tried', async () => {
    const proxy = await createProxy('ROUND_ROBIN');
    const policy = toRetryPolicy(RETRIES);
    const tried = [proxy.pickPod(0, undefined)];
    tried.push(proxy.pickRetryPod(0, undefined, { policy, attemptedPods: tried }));
    tried.push(proxy.pickRetryPod(0, undefined, { policy, attemptedPods: tried }));
    expect(new Set(tried).size).toBe(3);
  });
});
