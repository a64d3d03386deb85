import {
  chooseHost,
  isInPanic,
  OUTLIER_COUNTERS_PER_HOST,
  OutlierCounters,
  OutlierDetector,
  recordOutlierResult,
  type Balancer,
  type BalancerFactory,
  type BalancerHost,
  type BalancerOptions,
  type Clock,
  type OutlierDetectionConfig,
  type OutlierResult,
  type PickContext,
  type RetryPolicy,
  type Rng,
} from 'lbbench-proxy';
import { decrement, increment } from './counter-arrays.js';
import type { SimFleet } from './sim-fleet.js';
import { createWorkerRandomness, drawUnit } from './sim-seeds.js';
import type { HostSetChange, SimOutlierEvent } from './sim-types.js';

/** What the simulated proxy is built from. */
export interface SimProxyOptions {
  readonly runSeed: number;
  readonly workers: number;
  readonly connections: number;
  readonly maxPods: number;
  readonly balancerOptions: BalancerOptions;
  readonly createBalancer: BalancerFactory;
  /** Draws the worker each client connection is pinned to. */
  readonly setupRng: Rng;
  readonly fleet: SimFleet;
  /** Requests in flight per pod id, over all workers (Envoy's rq_active); the engine keeps it current. */
  readonly podActive: Int32Array;
  /** Where the measured window starts, for the host-set log. */
  readonly windowStartMs: number;
  /** Simulated time in ms, the clock the balancers' slow start reads. */
  readonly now: Clock;
  /** The cluster's outlier detection (the proxy's own detector runs here); undefined: off. */
  readonly outlierDetection: OutlierDetectionConfig | undefined;
}

/** Envoy's defaults for the panic decision (`healthy_panic_threshold` 50 %, overprovisioning 140). */
const PANIC_SETTINGS = { healthyPanicThreshold: 50, overprovisioningFactor: 140 };

/**
 * The proxy of one simulated run: its workers (each with its own balancer, random source and pick context, Envoy's
 * per-worker load balancers), the host set they pick from, its changes, and each worker's connection pool to each
 * pod (open and busy connections).
 */
export class SimProxy {
  readonly #fleet: SimFleet;
  readonly #podActive: Int32Array;
  readonly #windowStartMs: number;
  readonly #maxPods: number;
  readonly #balancers: Balancer[] = [];
  readonly #contexts: PickContext[] = [];
  readonly #connectionWorker: Int32Array;
  readonly #hostPods: Int32Array;
  #hostCount = 0;
  readonly #hostSets: HostSetChange[] = [];
  readonly #poolOpen: Int32Array;
  readonly #poolBusy: Int32Array;
  /** With outlier detection: the proxy's detector, its counters, and a balancer per worker for panic. */
  readonly #outlier:
    | {
        readonly config: OutlierDetectionConfig;
        readonly counters: OutlierCounters;
        readonly detector: OutlierDetector;
        readonly panicBalancers: Balancer[];
        readonly events: SimOutlierEvent[];
      }
    | undefined;
  /** The DNS host set (pod ids); the balancers pick from its healthy part, or from all of it in panic. */
  #dnsPods: number[] = [];
  #isPanic = false;

  /**
   * Creates the workers and pins every client connection to a worker chosen uniformly at random, as the kernel
   * spreads connections over the workers' SO_REUSEPORT sockets.
   */
  constructor(options: SimProxyOptions) {
    this.#fleet = options.fleet;
    this.#podActive = options.podActive;
    this.#windowStartMs = options.windowStartMs;
    this.#maxPods = options.maxPods;
    this.#hostPods = new Int32Array(options.maxPods);
    this.#poolOpen = new Int32Array(options.workers * options.maxPods);
    this.#poolBusy = new Int32Array(options.workers * options.maxPods);
    this.#connectionWorker = new Int32Array(options.connections);
    const outlierConfig = options.outlierDetection;
    if (outlierConfig !== undefined) {
      const counters = new OutlierCounters(new ArrayBuffer(options.maxPods * OUTLIER_COUNTERS_PER_HOST * 4));
      const events: SimOutlierEvent[] = [];
      const detector = new OutlierDetector(outlierConfig, counters, {
        now: options.now,
        // Enforcement percentages and jitter: the configured 0 or 100 % make the draw irrelevant.
        random: () => 0,
        onChange: (event) => {
          events.push({ tMs: event.atMs - this.#windowStartMs, podId: event.slot, action: event.action });
          this.#updateSource(false);
        },
      });
      this.#outlier = { config: outlierConfig, counters, detector, panicBalancers: [], events };
    }
    for (let worker = 0; worker < options.workers; worker += 1) {
      const { random, balancerSeed } = createWorkerRandomness(options.runSeed, worker);
      this.#balancers.push(options.createBalancer(options.balancerOptions, balancerSeed, options.now));
      this.#outlier?.panicBalancers.push(
        options.createBalancer(options.balancerOptions, balancerSeed ^ 0x5bd1e995, options.now),
      );
      this.#contexts.push({
        activeRequests: (index) =>
          index < this.#hostCount ? (this.#podActive[this.#hostPods[index] ?? 0] ?? 0) : 0,
        random,
        hash: undefined,
        attempt: 0,
      });
    }
    for (let connection = 0; connection < options.connections; connection += 1) {
      this.#connectionWorker[connection] = Math.floor(drawUnit(options.setupRng) * options.workers);
    }
  }

  /** The host-set changes so far, the initial set first. */
  get hostSets(): readonly HostSetChange[] {
    return this.#hostSets;
  }

  /** Workers that were given at least one client connection. */
  get workersWithConnections(): number {
    return new Set(this.#connectionWorker).size;
  }

  /** The worker a client connection is pinned to. */
  getWorker(connection: number): number {
    return this.#connectionWorker[connection] ?? 0;
  }

  /** Ejections and un-ejections so far (empty without outlier detection). */
  get outlierEvents(): readonly SimOutlierEvent[] {
    return this.#outlier?.events ?? [];
  }

  /** The outlier detector's interval, or undefined without outlier detection. */
  get outlierIntervalMs(): number | undefined {
    return this.#outlier?.config.intervalMs;
  }

  /** The detector's interval tick (Envoy's onIntervalTimer). */
  onOutlierInterval(): void {
    this.#outlier?.detector.onIntervalTimer();
  }

  /** Feeds an attempt's result on `pod` to outlier detection, as the router does after each attempt. */
  reportResult(pod: number, result: OutlierResult): void {
    const outlier = this.#outlier;
    if (outlier === undefined) return;
    for (const counter of recordOutlierResult(outlier.counters, pod, result, outlier.config))
      outlier.detector.onConsecutiveError(pod, counter);
  }

  /**
   * Lets `worker`'s balancer pick for a request whose hash policy gave `hash` (undefined: none); returns the pod id,
   * or -1 when there is no host. Advances the balancer.
   */
  pickPod(worker: number, hash: bigint | undefined): number {
    const context = this.#contexts[worker];
    const balancer = this.#getBalancer(worker);
    if (this.#hostCount === 0 || context === undefined || balancer === undefined) return -1;
    return this.#toPod(balancer.pick(hash === undefined ? context : { ...context, hash }));
  }

  /**
   * Picks the host of a retry of a request with `hash` as the proxy's worker does (`chooseHost`): up to `host_selection_retry_max_attempts`
   * + 1 picks, each with its attempt number, while the `previous_hosts` predicate rejects a pod in
   * `attemptedPods`; the last pick when all were rejected. A hashing balancer looks up the request's hash again
   * and moves off its entry only for a rejected pick. Returns the pod id, or -1 when there is no host.
   */
  pickRetryPod(
    worker: number,
    hash: bigint | undefined,
    retry: { readonly policy: RetryPolicy; readonly attemptedPods: readonly number[] },
  ): number {
    const { policy, attemptedPods } = retry;
    const context = this.#contexts[worker];
    const balancer = this.#getBalancer(worker);
    if (this.#hostCount === 0 || context === undefined || balancer === undefined) return -1;
    const index = chooseHost(balancer, (attempt) => ({ ...context, hash, attempt }), {
      maxAttempts: policy.hostSelectionMaxAttempts + 1,
      shouldSelectAnotherHost: (picked) =>
        policy.hasPreviousHostsPredicate && attemptedPods.includes(this.#toPod(picked)),
    });
    return this.#toPod(index);
  }

  /** `worker`'s random source (its balancer's, and the one its requests' retry back-offs draw from). */
  getWorkerRandom(worker: number): Rng {
    return this.#contexts[worker]?.random ?? (() => 0);
  }

  /** The balancer `worker` picks with now: its panic balancer while the cluster is in panic. */
  #getBalancer(worker: number): Balancer | undefined {
    return this.#isPanic ? this.#outlier?.panicBalancers[worker] : this.#balancers[worker];
  }

  /** The pod at host index `index` of the current source, or -1. */
  #toPod(index: number): number {
    return index >= 0 && index < this.#hostCount ? (this.#hostPods[index] ?? -1) : -1;
  }

  /** Installs a host set in every worker's balancer (`setHosts` keeps what Envoy keeps, e.g. the RR index). */
  applyHostSet(podIds: readonly number[], timeMs: number): void {
    const outlier = this.#outlier;
    if (outlier !== undefined) {
      const next = new Set(podIds);
      for (const id of this.#dnsPods) if (!next.has(id)) outlier.detector.removeHost(id);
      for (const id of podIds) outlier.detector.addHost(id);
    }
    this.#dnsPods = [...podIds];
    this.#updateSource(true);
    this.#hostSets.push({ tMs: timeMs - this.#windowStartMs, podIds: [...podIds] });
  }

  /**
   * Gives the balancers their host source, as the proxy's workers do: the healthy (not ejected) hosts, or every
   * host in panic, through the panic balancers. Without outlier detection every host is healthy.
   */
  #updateSource(isMembershipChange: boolean): void {
    const toHosts = (ids: readonly number[]): BalancerHost[] =>
      ids.map((id) => ({ key: this.#fleet.pods[id]?.address ?? '', weight: 1 }));
    const outlier = this.#outlier;
    const healthy =
      outlier === undefined ? this.#dnsPods : this.#dnsPods.filter((id) => !outlier.detector.isEjected(id));
    const isPanic =
      outlier !== undefined &&
      healthy.length < this.#dnsPods.length &&
      isInPanic({ hosts: this.#dnsPods.length, excluded: 0, healthy: healthy.length }, PANIC_SETTINGS);
    if (outlier !== undefined && isMembershipChange) {
      const all = toHosts(this.#dnsPods);
      for (const balancer of outlier.panicBalancers) balancer.setHosts(all);
    }
    const source = isPanic ? this.#dnsPods : healthy;
    source.forEach((id, index) => (this.#hostPods[index] = id));
    this.#hostCount = source.length;
    this.#isPanic = isPanic;
    const healthyHosts = toHosts(healthy);
    for (const balancer of this.#balancers) balancer.setHosts(healthyHosts);
  }

  /** A STRICT_DNS refresh: resolve the Service (the Ready pods) and apply the answer only when it changed. */
  refreshHostSet(timeMs: number): void {
    const ready = this.#fleet.readyIds();
    const isSame =
      ready.length === this.#dnsPods.length && ready.every((id, index) => this.#dnsPods[index] === id);
    if (!isSame) this.applyHostSet(ready, timeMs);
  }

  /** Starts a request on `worker`'s pool to `pod`; true when that needed a new connection. */
  startStream(worker: number, pod: number): boolean {
    const pool = worker * this.#maxPods + pod;
    const isNewConnection = this.#poolBusy[pool] === this.#poolOpen[pool];
    if (isNewConnection) increment(this.#poolOpen, pool);
    increment(this.#poolBusy, pool);
    return isNewConnection;
  }

  /** Ends a request on `worker`'s pool to `pod`; a reset stream also closes its connection. */
  endStream(worker: number, pod: number, isReset: boolean): void {
    const pool = worker * this.#maxPods + pod;
    decrement(this.#poolBusy, pool);
    if (isReset) decrement(this.#poolOpen, pool);
  }

  /** Forgets every connection to `pod` (it died with them). */
  closePools(pod: number): void {
    for (let worker = 0; worker < this.#balancers.length; worker += 1) {
      this.#poolOpen[worker * this.#maxPods + pod] = 0;
      this.#poolBusy[worker * this.#maxPods + pod] = 0;
    }
  }
}
