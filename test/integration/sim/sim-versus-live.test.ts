import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/results/types.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../../src/scenario/types.js';
import { simulate } from '../../../src/sim/simulate.js';
import { runLocalBenchmark } from '../../support/run-local.js';

// 4 standard deviations of the difference of two independent binomial shares: a fair comparison fails by chance
// about once in 16,000 pods.
const Z = 4;

/**
 * The slow pod's added delay. A loaded machine adds tens of ms to every live response, which would bring a 20 ms
 * slow pod close to the others and LEAST_REQUEST's live shares away from the simulator's; 100 ms keeps it clearly
 * the slowest (the simulator's slow-pod share is about 0.12 with 20 ms and with 100 ms).
 */
const SLOW_POD_DELAY_MS = 100;

function buildScenario(slowPod: boolean): Scenario {
  return parseScenario(
    `name: sim-versus-live
replicas: 3
policies: [ROUND_ROBIN, LEAST_REQUEST, RANDOM]
load: { connections: 20, duration: 2s, warmup: 500ms }
upstream: { server: auto${slowPod ? `, pods: [{ index: 2, delay: ${SLOW_POD_DELAY_MS}ms }]` : ''} }
sim: { serviceTime: exponential, baseServiceTime: 1ms }
`,
    'sim-versus-live.yaml',
  );
}

/** Per-pod shares in pod creation order (the order both the simulator and the local backend name pods in). */
function getShares(run: RunRecord): { shares: number[]; total: number } {
  const total = run.hosts.reduce((sum, host) => sum + host.delta.rq_total, 0);
  return { shares: run.hosts.map((host) => host.delta.rq_total / total), total };
}

/** The largest |live − sim| share difference measured in binomial standard deviations. */
function compareShares(live: RunRecord, sim: RunRecord): number {
  const a = getShares(live);
  const b = getShares(sim);
  return Math.max(
    ...a.shares.map((share, index) => {
      const other = b.shares[index] ?? 0;
      const p = (share + other) / 2;
      const sigma = Math.sqrt(p * (1 - p) * (1 / a.total + 1 / b.total));
      return Math.abs(share - other) / sigma;
    }),
  );
}

describe('the simulator agrees with a live local run of the same scenario', () => {
  it.each([
    ['equal pods', false],
    [`one pod ${SLOW_POD_DELAY_MS} ms slower`, true],
  ])('with %s', async (_name, slowPod) => {
    const scenario = buildScenario(slowPod);
    const live = (await runLocalBenchmark(scenario)).results.runs;
    const sim = [...simulate(scenario)];
    for (const { name: policy } of scenario.policies) {
      const liveRun = live.find((run) => run.row === policy);
      const simRun = sim.find((run) => run.row === policy);
      if (liveRun === undefined || simRun === undefined) throw new Error(`missing ${policy}`);
      if (policy === 'LEAST_REQUEST') {
        // Least request follows how long pods take at each moment, which the simulator models (infinite-server
        // pods, exponential service) but a live run adds to (proxy queueing, two cores shared by everything, other
        // tests running): its spread is not the multinomial of the null model, so the two are compared by share.
        const live = getShares(liveRun).shares;
        const simulated = getShares(simRun).shares;
        live.forEach((share, index) => {
          expect(Math.abs(share - (simulated[index] ?? 0)), `pod ${index}`).toBeLessThan(0.08);
        });
        if (slowPod) {
          expect(liveRun.metrics.slow_pod_share).toBeLessThan(0.25);
          expect(simRun.metrics.slow_pod_share).toBeLessThan(0.25);
        }
      } else {
        expect(compareShares(liveRun, simRun), policy).toBeLessThan(Z);
      }
    }
  });
});

/** A scenario whose pods change 1 s into the measured window; the proxy re-resolves every 250 ms. */
function buildEventScenario(event: string): Scenario {
  return parseScenario(
    `name: sim-versus-live-events
replicas: 3
policies: [ROUND_ROBIN, LEAST_REQUEST, RANDOM]
proxy: { dnsRefreshRate: 250ms }
load: { connections: 20, duration: 4s, warmup: 500ms }
upstream: { server: auto }
events: [${event}]
sim: { serviceTime: exponential, baseServiceTime: 1ms }
`,
    'sim-versus-live-events.yaml',
  );
}

/** From here on (ms into the window) the proxy has long seen the change: 1 s event + 4 DNS refreshes + slack. */
const CONVERGED_AT_MS = 2000;

/**
 * Per-pod requests after convergence, from the timeline, with the pods in a shared order: the run's initial pods
 * first (in their order), then pods created later by address (both number new pods upwards). The live and
 * simulated pods differ in name and port, not in position.
 */
function getSharesAfterConvergence(run: RunRecord): { shares: number[]; total: number } {
  const podByAddress = new Map(run.hosts.map((host) => [host.address, host.pod ?? host.address]));
  const initial = run.initialPods.map((pod) => pod.name);
  const later = run.hosts
    .filter((host) => !initial.includes(host.pod ?? ''))
    .sort((a, b) => compareAddresses(a.address, b.address))
    .map((host) => host.pod ?? host.address);
  const order = [...initial, ...later];
  const counts = order.map(() => 0);
  run.timeline.forEach((point, index) => {
    const startMs = run.timeline[index - 1]?.tMs ?? 0;
    if (startMs < CONVERGED_AT_MS) return;
    for (const [address, requests] of Object.entries(point.rqTotal)) {
      const position = order.indexOf(podByAddress.get(address) ?? address);
      if (position >= 0) counts[position] = (counts[position] ?? 0) + requests;
    }
  });
  const total = counts.reduce((sum, count) => sum + count, 0);
  return { shares: counts.map((count) => count / total), total };
}

function compareAddresses(a: string, b: string): number {
  const key = (address: string): number[] => address.split(/[.:]/).map(Number);
  const [left, right] = [key(a), key(b)];
  const index = left.findIndex((part, i) => part !== right[i]);
  return index < 0 ? 0 : (left[index] ?? 0) - (right[index] ?? 0);
}

describe('the simulator agrees with a live local run of a scenario with events, after convergence', () => {
  it.each([
    ['a scale-up from 3 to 6 pods', '{ at: 1s, scale: 6 }', 6],
    ['a killed pod', '{ at: 1s, kill: 1 }', 3],
    ['a pod slowed by 20 ms', '{ at: 1s, slow: { pod: 0, delay: 20ms } }', 3],
  ])('with %s', async (_name, event, podCount) => {
    const scenario = buildEventScenario(event);
    const live = (await runLocalBenchmark(scenario)).results.runs;
    const sim = [...simulate(scenario)];
    for (const { name: policy } of scenario.policies) {
      const liveRun = live.find((run) => run.row === policy);
      const simRun = sim.find((run) => run.row === policy);
      if (liveRun === undefined || simRun === undefined) throw new Error(`missing ${policy}`);
      expect(liveRun.initialPods, policy).toHaveLength(3);
      const a = getSharesAfterConvergence(liveRun);
      const b = getSharesAfterConvergence(simRun);
      expect([a.shares.length, b.shares.length], policy).toEqual([podCount, podCount]);
      a.shares.forEach((share, index) => {
        const other = b.shares[index] ?? 0;
        const label = `${policy} pod ${index}: live ${share.toFixed(3)}, sim ${other.toFixed(3)}`;
        if (policy === 'LEAST_REQUEST') {
          // As above: least request follows the pods' momentary speed, which a loaded machine adds to.
          expect(Math.abs(share - other), label).toBeLessThan(0.08);
          return;
        }
        const p = (share + other) / 2;
        const sigma = Math.sqrt(p * (1 - p) * (1 / a.total + 1 / b.total));
        // A killed pod gets nothing in both: no spread to measure.
        if (sigma === 0) expect(share, label).toBe(other);
        else expect(Math.abs(share - other) / sigma, label).toBeLessThan(Z);
      });
    }
  });
});
