/**
 * Times the simulator: `simulate` on scenarios/sim-100k.yaml (10 pods, 100 000 requests per policy), per
 * policy, against the same number of bare `balancer.pick` calls measured in the same process, so the ratio
 * "simulation over bare picks" is comparable across machines and loads. Run after the build:
 * `node dist/bench/sim.js [scenario.yaml] [rounds]`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createBalancer, createRng, type BalancerHost, type LbPolicy, type PickContext } from 'lbbench-proxy';
import { loadScenario } from '../src/scenario/load-scenario.js';
import type { Scenario } from '../src/scenario/types.js';
import { simulate } from '../src/sim/simulate.js';
import { SIM_BALANCER_SETTINGS } from '../src/sim/balancer-settings.js';
import { getMedian } from '../src/stats/percentile.js';

const DEFAULT_ROUNDS = 7;
const SCENARIO_CANDIDATES = [
  'scenarios/sim-100k.yaml',
  fileURLToPath(new URL('../scenarios/sim-100k.yaml', import.meta.url)),
  fileURLToPath(new URL('../../scenarios/sim-100k.yaml', import.meta.url)),
];

interface PolicyTiming {
  readonly policy: LbPolicy;
  readonly requests: number;
  readonly simulationMs: number[];
  readonly picksMs: number[];
}

/** Times `count` bare picks of one balancer over `podCount` hosts with no load (the reference). */
function timeBarePicks(policy: LbPolicy, podCount: number, count: number): number {
  const balancer = createBalancer({ policy, ...SIM_BALANCER_SETTINGS }, 1, () => 0);
  const hosts: BalancerHost[] = Array.from({ length: podCount }, (_, index) => ({
    key: `127.0.1.${index + 1}:80`,
    weight: 1,
  }));
  const active = new Int32Array(podCount);
  const context: PickContext = {
    activeRequests: (index) => active[index] ?? 0,
    random: createRng(1),
    hash: undefined,
    attempt: 0,
  };
  balancer.setHosts(hosts);
  let checksum = 0;
  const startMs = performance.now();
  for (let pick = 0; pick < count; pick += 1) {
    checksum += balancer.pick(context);
  }
  const elapsedMs = performance.now() - startMs;
  if (checksum < 0) throw new Error('a pick found no host');
  return elapsedMs;
}

/** Times one round: each policy's simulation (wall time between records), then its bare picks. */
function runRound(scenario: Scenario, timings: Map<LbPolicy, PolicyTiming>): void {
  let lastMs = performance.now();
  for (const record of simulate(scenario)) {
    const nowMs = performance.now();
    // The CLUSTER_IP row picks per connection in the model itself: it has no balancer's picks to time.
    if (record.entry.proxy !== 'envoy') {
      lastMs = nowMs;
      continue;
    }
    const timing = timings.get(record.entry.policy) ?? {
      policy: record.entry.policy,
      requests: record.load.requestsSent,
      simulationMs: [],
      picksMs: [],
    };
    timing.simulationMs.push(nowMs - lastMs);
    timings.set(record.entry.policy, timing);
    lastMs = nowMs;
  }
  for (const timing of timings.values()) {
    timing.picksMs.push(timeBarePicks(timing.policy, scenario.replicas, timing.requests));
  }
}

function formatRate(requests: number, elapsedMs: number): string {
  return `${(((requests / elapsedMs) * 1000) / 1e6).toFixed(2)} M/s`;
}

async function loadBenchScenario(path: string | undefined): Promise<Scenario> {
  const found = path ?? SCENARIO_CANDIDATES.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`scenarios/sim-100k.yaml not found; pass a scenario file`);
  return loadScenario(found);
}

/** Median wall time of `simulate` on the scenario exactly as written (warm-up and repetitions included). */
function timeAsWritten(scenario: Scenario, rounds: number): { wallMs: number; requests: number } {
  const wallMs: number[] = [];
  let requests = 0;
  for (let round = 0; round < rounds; round += 1) {
    const startMs = performance.now();
    const records = [...simulate(scenario)];
    wallMs.push(performance.now() - startMs);
    requests = records.reduce((total, record) => total + record.load.requestsSent, 0);
  }
  return { wallMs: getMedian(wallMs), requests };
}

async function main(): Promise<void> {
  const written = await loadBenchScenario(process.argv[2]);
  const rounds = Number(process.argv[3] ?? DEFAULT_ROUNDS);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`rounds must be an integer ≥ 1, got "${process.argv[3] ?? ''}"`);
  }
  const asWritten = timeAsWritten(written, rounds);
  console.log(
    `${written.name} as written (${written.policies.length} policies × ${written.repetitions} repetition(s), ` +
      `${written.load.warmupMs} ms warm-up): simulate ${asWritten.wallMs.toFixed(1)} ms for ` +
      `${asWritten.requests} measured requests (median of ${rounds})`,
  );
  // Per policy, only the requests that count: no warm-up, one repetition.
  const scenario: Scenario = { ...written, repetitions: 1, load: { ...written.load, warmupMs: 0 } };
  const timings = new Map<LbPolicy, PolicyTiming>();
  // The first round warms up the JIT and is not counted.
  runRound(scenario, new Map());
  for (let round = 0; round < rounds; round += 1) runRound(scenario, timings);
  console.log(
    `${scenario.name}: ${scenario.replicas} pods, ${scenario.load.connections} connections, ` +
      `${scenario.proxy.concurrency} worker(s), ${scenario.sim.serviceTime} service, no warm-up; ` +
      `median of ${rounds} rounds`,
  );
  let totalSimMs = 0;
  let totalPicksMs = 0;
  for (const timing of timings.values()) {
    const simMs = getMedian(timing.simulationMs);
    const picksMs = getMedian(timing.picksMs);
    totalSimMs += simMs;
    totalPicksMs += picksMs;
    console.log(
      `  ${timing.policy.padEnd(13)} ${timing.requests} requests: simulation ${simMs.toFixed(1)} ms ` +
        `(${formatRate(timing.requests, simMs)}), bare picks ${picksMs.toFixed(1)} ms ` +
        `(${formatRate(timing.requests, picksMs)}), simulation / bare picks ${(simMs / picksMs).toFixed(1)}×`,
    );
  }
  console.log(
    `  all policies: simulation ${totalSimMs.toFixed(1)} ms, bare picks ${totalPicksMs.toFixed(1)} ms, ` +
      `ratio ${(totalSimMs / totalPicksMs).toFixed(1)}×`,
  );
}

await main();
