import {
  chooseHost,
  selectHostSource,
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
import { SimClusterHealth, type SimHealthChange } from './sim-cluster-health.js';
import type { SimHealthCheckSetup } from './sim-health-checker.js';
import type { HostSetChange, SimHealthEvent } from './sim-types.js';

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
  /** The cluster's active health check and how its probes reach the pods; undefined: off. */
  readonly healthCheck: SimHealthCheckSetup | undefined;
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
  readonly #contexts: { -readonly [Field in keyof PickContext]: PickContext[Field] }[] = [];
  readonly #connectionWorker: Int32Array;
  readonly #hostPods: Int32Array;
  #hostCount = 0;
  readonly #hostSets: HostSetChange[] = [];
  readonly #poolOpen: Int32Array;
  readonly #poolBusy: Int32Array;
  /** Outlier detection and active health checking of the cluster. */
  readonly #health: SimClusterHealth;
  /** With outlier detection or health checks: a balancer per worker over all hosts, for panic. */
  readonly #panicBalancers: Balancer[] | undefined;
  /**
   * The cluster's hosts (pod ids): the DNS answer, then the pods DNS dropped that health checking keeps
   * (PENDING_DYNAMIC_REMOVAL, in {@link #pendingRemoval}); the balancers pick from its healthy part, or from all of
   * it in panic.
   */
  #dnsPods: number[] = [];
  readonly #pendingRemoval = new Set<number>();
  /** When each pod's slow-start window began (Envoy's `last_hc_pass_time`): it joined, or passed checks again. */
  readonly #slowStartFromMs = new Map<number, number>();
  /** The healthy hosts the balancers were last given. */
  #healthyPods: readonly number[] = [];
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
    this.#health = new SimClusterHealth({
      maxPods: options.maxPods,
      now: options.now,
      windowStartMs: options.windowStartMs,
      outlierDetection: options.outlierDetection,
      healthCheck: options.healthCheck,
      onChange: (pod, change, timeMs) => {
        this.#onHealthChange(pod, change, timeMs);
      },
    });
    this.#panicBalancers = this.#health.isEnabled ? [] : undefined;
    for (let worker = 0; worker < options.workers; worker += 1) {
      const { random, balancerSeed } = createWorkerRandomness(options.runSeed, worker);
      this.#balancers.push(options.createBalancer(options.balancerOptions, balancerSeed, options.now));
      this.#panicBalancers?.push(
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

  /** Ejections, un-ejections and health-check transitions so far (empty without either). */
  get healthEvents(): readonly SimHealthEvent[] {
    return this.#health.events;
  }

  /** The outlier detector's interval, or undefined without outlier detection. */
  get outlierIntervalMs(): number | undefined {
    return this.#health.outlierIntervalMs;
  }

  /** The detector's interval tick (Envoy's onIntervalTimer). */
  onOutlierInterval(): void {
    this.#health.onOutlierInterval();
  }

  /** Runs a queued step of a pod's active health check. */
  onHealthCheckStep(pod: number, step: number, timeMs: number): void {
    this.#health.onHealthCheckStep(pod, step, timeMs);
  }

  /** Feeds an attempt's result on `pod` to outlier detection, as the router does after each attempt. */
  reportResult(pod: number, result: OutlierResult): void {
    this.#health.reportResult(pod, result);
  }

  /**
   * Lets `worker`'s balancer pick for a request whose hash policy gave `hash` (undefined: none); returns the pod id,
   * or -1 when there is no host. Advances the balancer.
   */
  pickPod(worker: number, hash: bigint | undefined): number {
    const context = this.#contexts[worker];
    const balancer = this.#getBalancer(worker);
    if (this.#hostCount === 0 || context === undefined || balancer === undefined) return -1;
    context.hash = hash;
    return this.#toPod(balancer.pick(context));
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
    return this.#isPanic ? this.#panicBalancers?.[worker] : this.#balancers[worker];
  }

  /** The pod at host index `index` of the current source, or -1. */
  #toPod(index: number): number {
    return index >= 0 && index < this.#hostCount ? (this.#hostPods[index] ?? -1) : -1;
  }

  /**
   * Installs the cluster's host set in every worker's balancer (`setHosts` keeps what Envoy keeps, e.g. the RR
   * index); the first set is the proxy starting, which waits for each host's first health check.
   */
  applyHostSet(podIds: readonly number[], timeMs: number): void {
    const isWarming = this.#hostSets.length === 0;
    for (const pod of this.#slowStartFromMs.keys())
      if (!podIds.includes(pod)) this.#slowStartFromMs.delete(pod);
    for (const pod of podIds) if (!this.#slowStartFromMs.has(pod)) this.#slowStartFromMs.set(pod, timeMs);
    this.#dnsPods = [...podIds];
    for (const pod of this.#pendingRemoval) if (!podIds.includes(pod)) this.#pendingRemoval.delete(pod);
    this.#health.onHosts(podIds, timeMs, isWarming);
    this.#updateSource(true);
    this.#hostSets.push({ tMs: timeMs - this.#windowStartMs, podIds: [...podIds] });
  }

  /**
   * Gives the balancers their host source, as the proxy's workers do (`selectHostSource`): the healthy hosts (not
   * ejected, not failing active health checks), or every host in panic, through the panic balancers.
   */
  #updateSource(isMembershipChange: boolean): void {
    const toHosts = (ids: readonly number[]): BalancerHost[] =>
      ids.map((id) => {
        const key = this.#fleet.pods[id]?.address ?? '';
        const slowStartFromMs = this.#slowStartFromMs.get(id);
        return slowStartFromMs === undefined ? { key, weight: 1 } : { key, weight: 1, slowStartFromMs };
      });
    const flagsOf = (id: number): number => this.#health.flagsOf(id);
    const selected = selectHostSource(this.#dnsPods, flagsOf, PANIC_SETTINGS);
    const healthy = selectHostSource(this.#dnsPods, flagsOf, { ...PANIC_SETTINGS, healthyPanicThreshold: 0 });
    const panicBalancers = this.#panicBalancers;
    if (panicBalancers !== undefined && isMembershipChange) {
      const all = toHosts(this.#dnsPods);
      for (const balancer of panicBalancers) balancer.setHosts(all);
    }
    const isPanic = panicBalancers !== undefined && selected.isPanic;
    const source = isPanic ? this.#dnsPods : healthy.hosts;
    source.forEach((id, index) => (this.#hostPods[index] = id));
    this.#hostCount = source.length;
    this.#isPanic = isPanic;
    if (isMembershipChange || !isSameList(healthy.hosts, this.#healthyPods)) {
      const healthyHosts = toHosts(healthy.hosts);
      for (const balancer of this.#balancers) balancer.setHosts(healthyHosts);
    }
    this.#healthyPods = healthy.hosts;
  }

  /**
   * A pod's health changed; one DNS dropped that just failed its health check leaves the cluster, and one that
   * passed after failing starts a new slow-start window (the proxy's worker restamps `slowStartFromMs` then).
   */
  #onHealthChange(pod: number, change: SimHealthChange, timeMs: number): void {
    if (change === 'hc-pass') {
      this.#slowStartFromMs.set(pod, timeMs);
      this.#updateSource(true);
      return;
    }
    if (change === 'hc-fail' && this.#pendingRemoval.delete(pod)) {
      this.applyHostSet(
        this.#dnsPods.filter((id) => id !== pod),
        timeMs,
      );
      return;
    }
    this.#updateSource(false);
  }

  /**
   * A STRICT_DNS refresh: resolve the Service (the Ready pods) and apply the answer when the host set changes. A
   * pod missing from the answer stays, pending removal, while health checking passes it (Envoy's
   * PENDING_DYNAMIC_REMOVAL without `ignore_health_on_host_removal`).
   */
  refreshHostSet(timeMs: number): void {
    const ready = this.#fleet.readyIds();
    const kept = this.#dnsPods.filter((id) => !ready.includes(id) && this.#health.keepsRemoved(id));
    const next = [...ready, ...kept];
    for (const id of ready) this.#pendingRemoval.delete(id);
    for (const id of kept) this.#pendingRemoval.add(id);
    if (!isSameList(next, this.#dnsPods)) this.applyHostSet(next, timeMs);
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

function isSameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, index) => b[index] === id);
}
