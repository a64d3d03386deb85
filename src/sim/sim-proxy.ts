import type { BalancerHost } from 'lbbench-proxy';
import type { SimEngine } from './sim-engine.js';
import { createWorkerRandomness, drawUnit } from './sim-seeds.js';

/**
 * Creates the proxy's workers, each with its own balancer state, random source and pick context (Envoy's
 * per-worker load balancers), and pins every client connection to a worker chosen uniformly at random, as the
 * kernel spreads connections over the workers' SO_REUSEPORT sockets.
 */
export function createWorkers(engine: SimEngine, workers: number): void {
  for (let worker = 0; worker < workers; worker += 1) {
    const { random, balancerSeed } = createWorkerRandomness(engine.input.seed, worker);
    engine.workerStates.push(engine.balancer.init([], balancerSeed));
    engine.contexts.push({
      // Envoy's rq_active: the host's requests in flight over all workers.
      activeRequests: (index) =>
        index < engine.hostCount ? (engine.podActive[engine.hostPods[index] ?? 0] ?? 0) : 0,
      random,
      hash: undefined,
      attempt: 0,
    });
  }
  for (let connection = 0; connection < engine.connectionWorker.length; connection += 1) {
    engine.connectionWorker[connection] = Math.floor(drawUnit(engine.setupRng) * workers);
  }
}

/** Installs a host set in every worker's balancer (`update` keeps what Envoy keeps, e.g. the RR index). */
export function applyHostSet(engine: SimEngine, podIds: readonly number[], timeMs: number): void {
  podIds.forEach((id, index) => (engine.hostPods[index] = id));
  engine.hostCount = podIds.length;
  const hosts: BalancerHost[] = podIds.map((id) => ({
    key: engine.fleet.pods[id]?.address ?? '',
    weight: 1,
  }));
  engine.workerStates.forEach((state, worker) => {
    engine.workerStates[worker] = engine.balancer.update(state, hosts);
  });
  engine.hostSets.push({ tMs: timeMs - engine.windowStartMs, podIds: [...podIds] });
}

/** A STRICT_DNS refresh: resolve the Service (the Ready pods) and apply the answer only when it changed. */
export function refreshHostSet(engine: SimEngine, timeMs: number): void {
  const ready = engine.fleet.readyIds();
  const isSame =
    ready.length === engine.hostCount && ready.every((id, index) => engine.hostPods[index] === id);
  if (!isSame) applyHostSet(engine, ready, timeMs);
}
