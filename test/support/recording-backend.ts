import type { PodFault } from '../../src/scenario/types.js';
import type {
  Backend,
  CounterSourceKind,
  Pod,
  ProxyDeployment,
  ProxyEndpoints,
} from '../../src/backends/backend.js';
import type { FetchClustersOptions } from '../../src/collect/clusters-client.js';
import type { ClustersSnapshot } from '../../src/collect/types.js';
import type { RunLocalGeneratorsOptions } from '../../src/load/run-local-generators.js';
import type { LoadRecord } from '../../src/results/types.js';
import type { RunDrivers } from '../../src/run/run-drivers.js';
import { ManualClock } from './manual-clock.js';

type FailingMethod = 'reset' | 'deployProxy' | 'scale' | 'kill' | 'slow' | 'setFault' | 'removeProxy';

/**
 * A backend that only keeps a list of pods and logs every call into `log` (shared with the fake drivers, so the
 * order of snapshots, load and events shows). `reset` behaves like the contract says: the initial count, killed
 * pods replaced by fresh names. `failures` makes a method reject.
 */
export class RecordingBackend implements Backend {
  readonly kind = 'local';
  readonly log: string[];
  readonly failures: Partial<Record<FailingMethod, Error>> = {};
  /** When false, `reset` does nothing: a backend that breaks the contract. */
  isResetting = true;
  /** What the deployed balancer counts with: `client-tally` plays a row without /clusters (CLUSTER_IP). */
  counterSource: CounterSourceKind = 'envoy-clusters';
  current: Pod[] = [];
  #created = 0;
  #deployments = 0;
  readonly #replicas: number;

  constructor(replicas: number, log: string[] = []) {
    this.#replicas = replicas;
    this.log = log;
  }

  up(): Promise<void> {
    this.log.push('up');
    this.current = Array.from({ length: this.#replicas }, () => this.#createPod());
    return Promise.resolve();
  }

  async reset(): Promise<void> {
    await this.#call('reset', 'reset');
    if (!this.isResetting) return;
    this.current = this.current.slice(0, this.#replicas).map((pod) => (pod.ready ? pod : this.#createPod()));
    while (this.current.length < this.#replicas) this.current.push(this.#createPod());
  }

  async deployProxy(deployment: ProxyDeployment): Promise<ProxyEndpoints> {
    await this.#call('deployProxy', `deployProxy ${deployment.row.name} seed ${deployment.seed}`);
    this.#deployments += 1;
    return {
      trafficUrl: `http://proxy-${this.#deployments}`,
      counters:
        this.counterSource === 'client-tally'
          ? { kind: 'client-tally' }
          : { kind: 'envoy-clusters', adminUrl: `http://admin-${this.#deployments}` },
      proxy: { kind: 'lbbench', version: 'test', command: 'fake', isSeeded: true },
    };
  }

  pods(): Promise<readonly Pod[]> {
    return Promise.resolve([...this.current]);
  }

  async scale(replicas: number): Promise<void> {
    await this.#call('scale', `scale ${replicas}`);
    while (this.current.length < replicas) this.current.push(this.#createPod());
    this.current = this.current.slice(0, replicas);
  }

  async kill(podName: string): Promise<void> {
    await this.#call('kill', `kill ${podName}`);
    this.current = this.current.map((pod) => (pod.name === podName ? { ...pod, ready: false } : pod));
  }

  async slow(podName: string, delayMs: number): Promise<void> {
    await this.#call('slow', `slow ${podName} ${delayMs}`);
  }

  async setFault(podName: string, fault: PodFault): Promise<void> {
    await this.#call('setFault', `fault ${podName} ${fault}`);
  }

  async removeProxy(): Promise<void> {
    await this.#call('removeProxy', 'removeProxy');
  }

  down(): Promise<void> {
    this.log.push('down');
    return Promise.resolve();
  }

  environment(): ReturnType<Backend['environment']> {
    return { backend: 'local', upstreamServer: 'fake', details: {} };
  }

  #createPod(): Pod {
    this.#created += 1;
    return { name: `pod-${this.#created}`, ip: `10.0.0.${this.#created}`, port: 80, ready: true };
  }

  #call(method: FailingMethod, entry: string): Promise<void> {
    this.log.push(entry);
    const failure = this.failures[method];
    return failure === undefined ? Promise.resolve() : Promise.reject(failure);
  }
}

/** Fake drivers over a {@link RecordingBackend}: a manual clock, a load that advances it, /clusters from the pods. */
export interface FakeDrivers extends RunDrivers {
  readonly clock: ManualClock;
  /** Made to reject the `n`-th snapshot (1-based) when set. */
  failSnapshot?: { readonly n: number; readonly error: Error };
}

/**
 * Drivers whose load logs `load start`/`load end`, calls `onMeasureStart` and advances the clock by the measured
 * duration; each snapshot logs `snapshot @<ms>` and lists the Ready pods, each with 10 more requests than before.
 */
export function createFakeDrivers(backend: RecordingBackend): FakeDrivers {
  const clock = new ManualClock();
  let snapshots = 0;
  const drivers: FakeDrivers = {
    clock,
    runLoad: async (options: RunLocalGeneratorsOptions): Promise<LoadRecord> => {
      backend.log.push('load start');
      await options.onMeasureStart?.();
      const stepMs = 50;
      for (let elapsedMs = 0; elapsedMs < options.load.durationMs; elapsedMs += stepMs) {
        if (options.signal.aborted) throw options.signal.reason;
        await clock.advance(stepMs);
      }
      backend.log.push('load end');
      return createLoadRecord(options.load.durationMs);
    },
    fetchClusters: (_adminUrl: string, options: FetchClustersOptions): Promise<ClustersSnapshot> => {
      snapshots += 1;
      backend.log.push(`snapshot @${options.now()}`);
      if (drivers.failSnapshot?.n === snapshots) return Promise.reject(drivers.failSnapshot.error);
      const hosts = backend.current
        .filter((pod) => pod.ready)
        .map((pod) => ({
          address: `${pod.ip}:${pod.port}`,
          hostname: undefined,
          healthFlags: ['healthy'],
          weight: 1,
          counters: { ...ZERO_COUNTERS, rq_total: 10 * snapshots, rq_success: 10 * snapshots },
        }));
      return Promise.resolve({ takenAtMs: options.now(), clusters: [{ name: 'myapp_cluster', hosts }] });
    },
  };
  return drivers;
}

const ZERO_COUNTERS = {
  cx_active: 0,
  cx_connect_fail: 0,
  cx_total: 0,
  rq_active: 0,
  rq_error: 0,
  rq_success: 0,
  rq_timeout: 0,
  rq_total: 0,
};

function createLoadRecord(durationMs: number): LoadRecord {
  return {
    mode: 'closed',
    connections: 1,
    rateRps: undefined,
    durationMs,
    warmupMs: 0,
    requestsSent: 0,
    responses: 0,
    status2xx: 0,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    rps: 0,
    latency: { minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, resolutionMs: 1 },
    latencySamples: 0,
    podTally: {},
    untallied: 0,
    generator: 'fake load',
  };
}
