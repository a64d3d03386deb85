import type { Rng } from 'lbbench-proxy';
import type { Scenario } from '../scenario/types.js';
import { getSimBalancerOptions } from './balancer-settings.js';
import { decrement, increment } from './counter-arrays.js';
import { EventQueue } from './event-queue.js';
import { OUTCOME, RequestSlots, SLOT_STATE } from './request-slots.js';
import { applySimEvent, type SimEventTarget } from './sim-events.js';
import { countMaxPods, SimFleet } from './sim-fleet.js';
import { SimClusterIp } from './sim-cluster-ip.js';
import { SimProxy } from './sim-proxy.js';
import { createModelRng, drawExponential, drawUnit, MODEL_STREAMS } from './sim-seeds.js';
import { BUCKET_MS, EVENT_BUCKET_MS, SimTally } from './sim-tally.js';
import type { SimOutcome, SimRunInput } from './sim-types.js';

/** How long the proxy takes to answer 503 on its own (refused connection to a dead pod, or no host). */
const LOCAL_REPLY_MS = 0.1;
/** The shortest round trip to a pod, so that simulated time always moves on (1 µs). */
const MIN_SERVICE_MS = 0.001;

// Negative event payloads; a payload ≥ 0 is the request slot whose response arrives.
const ARRIVAL = -1;
const DNS_REFRESH = -2;
const FIRST_SCENARIO_EVENT = -3;

/** Runs one row × repetition of the model and returns what it observed (see `simulate` for the model). */
export function runSimEngine(input: SimRunInput): SimOutcome {
  return new SimEngine(input).run();
}

/**
 * One run of the model: the event loop over the client, the proxy ({@link SimProxy}), the pods ({@link SimFleet}
 * and the per-pod arrays here) and what is counted ({@link SimTally}). Its state is private; `run` once.
 */
class SimEngine {
  readonly #scenario: Scenario;
  readonly #queue = new EventQueue();
  readonly #slots = new RequestSlots();
  readonly #fleet: SimFleet;
  readonly #proxy: SimProxy;
  /** The CLUSTER_IP row's per-connection binding; undefined when the proxy picks per request. */
  readonly #clusterIp: SimClusterIp | undefined;
  readonly #tally: SimTally;
  readonly #isOpenLoop: boolean;
  readonly #windowStartMs: number;
  readonly #windowEndMs: number;
  readonly #requestLimit: number;
  readonly #isExponential: boolean;
  readonly #baseServiceMs: number;
  readonly #timeoutMs: number;
  readonly #refreshMs: number;
  readonly #meanGapMs: number;
  readonly #serviceRng: Rng;
  readonly #arrivalRng: Rng;
  readonly #setupRng: Rng;
  readonly #connections: number;
  readonly #podActive: Int32Array;
  readonly #podDelayMs: Float64Array;
  readonly #podAlive: Uint8Array;
  /** Requests dispatched whose outcome has not been delivered yet. */
  #pending = 0;
  #isSending = true;

  constructor(input: SimRunInput) {
    const { scenario, seed } = input;
    const { load, sim, proxy } = scenario;
    this.#scenario = scenario;
    this.#fleet = new SimFleet(scenario);
    this.#isOpenLoop = load.rateRps !== undefined;
    this.#meanGapMs = load.rateRps === undefined ? 0 : 1000 / load.rateRps;
    this.#windowStartMs = load.warmupMs;
    this.#windowEndMs = sim.requests === undefined ? load.warmupMs + load.durationMs : Infinity;
    this.#requestLimit = sim.requests ?? Infinity;
    this.#isExponential = sim.serviceTime === 'exponential';
    this.#baseServiceMs = sim.baseServiceTimeMs;
    this.#timeoutMs = load.timeoutMs;
    this.#refreshMs = proxy.dnsRefreshRateMs;
    this.#serviceRng = createModelRng(seed, MODEL_STREAMS.service);
    this.#arrivalRng = createModelRng(seed, MODEL_STREAMS.arrivals);
    this.#setupRng = createModelRng(seed, MODEL_STREAMS.setup);
    this.#connections = load.connections;
    const maxPods = countMaxPods(scenario.replicas, scenario.events);
    this.#podActive = new Int32Array(maxPods);
    this.#podDelayMs = new Float64Array(maxPods);
    this.#podAlive = new Uint8Array(maxPods);
    this.#tally = new SimTally(
      maxPods,
      this.#windowStartMs,
      this.#scenario.events.length > 0 ? EVENT_BUCKET_MS : BUCKET_MS,
    );
    this.#proxy = new SimProxy({
      runSeed: seed,
      workers: proxy.concurrency,
      connections: load.connections,
      maxPods,
      balancerOptions: getSimBalancerOptions(input.row),
      createBalancer: input.createBalancer,
      setupRng: this.#setupRng,
      fleet: this.#fleet,
      podActive: this.#podActive,
      windowStartMs: this.#windowStartMs,
    });
    this.#clusterIp = input.isClusterIp
      ? new SimClusterIp({
          fleet: this.#fleet,
          rng: createModelRng(seed, MODEL_STREAMS.clusterIp),
          connections: load.connections,
        })
      : undefined;
  }

  /** Runs the event loop until nothing is sent any more and every request has ended. */
  run(): SimOutcome {
    this.#syncPods();
    this.#proxy.applyHostSet(this.#fleet.readyIds(), 0);
    this.#scheduleStart();
    const queue = this.#queue;
    while ((this.#isSending || this.#pending > 0) && queue.pop()) {
      const timeMs = queue.poppedTimeMs;
      const payload = queue.poppedPayload;
      if (payload >= 0) this.#complete(payload, timeMs);
      else if (payload === ARRIVAL) this.#arrive(timeMs);
      else if (payload === DNS_REFRESH) this.#refresh(timeMs);
      else this.#applyEvent(FIRST_SCENARIO_EVENT - payload, timeMs);
    }
    const { load, sim } = this.#scenario;
    return this.#tally.buildOutcome({
      fleet: this.#fleet,
      hostSets: this.#proxy.hostSets,
      fixedDurationMs: sim.requests === undefined ? load.durationMs : undefined,
      workersWithConnections: this.#proxy.workersWithConnections,
    });
  }

  /** A client connection sends a request at `timeMs` (if the run still sends). */
  #dispatch(connection: number, timeMs: number): void {
    if (!this.#isSending) return;
    if (timeMs >= this.#windowEndMs) {
      this.#isSending = false;
      return;
    }
    const isCounted = timeMs >= this.#windowStartMs;
    if (isCounted && this.#tally.countSent() >= this.#requestLimit) this.#isSending = false;
    const worker = this.#proxy.getWorker(connection);
    const slots = this.#slots;
    const slot = slots.allocate();
    slots.startMs[slot] = timeMs;
    slots.worker[slot] = worker;
    slots.connection[slot] = connection;
    slots.isCounted[slot] = isCounted ? 1 : 0;
    this.#pending += 1;
    const clusterIpPick = this.#clusterIp?.pick(connection);
    const pod = clusterIpPick === undefined ? this.#proxy.pickPod(worker) : clusterIpPick.pod;
    slots.pod[slot] = pod;
    if (pod < 0) {
      this.#endEarly(slot, OUTCOME.noHost, timeMs);
    } else if (this.#podAlive[pod] === 0) {
      if (isCounted) this.#tally.countConnectFailure(pod);
      this.#endEarly(slot, OUTCOME.connectFailure, timeMs);
    } else {
      this.#attach(slot, {
        pod,
        worker,
        timeMs,
        isCounted,
        isNewClientConnection: clusterIpPick?.isNewConnection,
      });
    }
  }

  /** Copies the fleet's pods into the per-pod arrays and notes who is Ready (after start and every event). */
  #syncPods(): void {
    for (const pod of this.#fleet.pods) {
      this.#podAlive[pod.id] = pod.isAlive ? 1 : 0;
      this.#podDelayMs[pod.id] = pod.extraDelayMs;
    }
    this.#tally.noteReady(this.#fleet.readyIds());
  }

  #scheduleStart(): void {
    this.#queue.push(drawUnit(this.#setupRng) * this.#refreshMs, DNS_REFRESH);
    this.#scenario.events.forEach((event, index) => {
      this.#queue.push(this.#windowStartMs + event.atMs, FIRST_SCENARIO_EVENT - index);
    });
    if (this.#isOpenLoop) {
      this.#queue.push(drawExponential(this.#arrivalRng, this.#meanGapMs), ARRIVAL);
      return;
    }
    for (let connection = 0; connection < this.#connections; connection += 1) this.#dispatch(connection, 0);
  }

  /**
   * Sends the request in `slot` to `pod`. Behind a proxy the pod's connection is one of the worker's pool; on the
   * CLUSTER_IP row it is the client's own (`isNewClientConnection`).
   */
  #attach(
    slot: number,
    request: {
      readonly pod: number;
      readonly worker: number;
      readonly timeMs: number;
      readonly isCounted: boolean;
      readonly isNewClientConnection: boolean | undefined;
    },
  ): void {
    const { pod, worker, timeMs, isCounted } = request;
    increment(this.#podActive, pod);
    const isNewConnection = request.isNewClientConnection ?? this.#proxy.startStream(worker, pod);
    if (isCounted) this.#tally.countUpstreamRequest(pod, timeMs, isNewConnection);
    const baseMs = this.#isExponential
      ? drawExponential(this.#serviceRng, this.#baseServiceMs)
      : this.#baseServiceMs;
    const serviceMs = Math.max(MIN_SERVICE_MS, baseMs + (this.#podDelayMs[pod] ?? 0));
    if (serviceMs > this.#timeoutMs) {
      this.#slots.outcome[slot] = OUTCOME.timeout;
      this.#queue.push(timeMs + this.#timeoutMs, slot);
    } else {
      this.#slots.outcome[slot] = OUTCOME.success;
      this.#queue.push(timeMs + serviceMs, slot);
    }
  }

  #endEarly(slot: number, outcome: number, timeMs: number): void {
    this.#slots.outcome[slot] = outcome;
    this.#queue.push(timeMs + LOCAL_REPLY_MS, slot);
  }

  #complete(slot: number, timeMs: number): void {
    const slots = this.#slots;
    if (slots.state[slot] === SLOT_STATE.ended) {
      slots.release(slot);
      return;
    }
    const outcome = slots.outcome[slot];
    const pod = slots.pod[slot] ?? 0;
    const connection = slots.connection[slot] ?? 0;
    const startMs = slots.startMs[slot] ?? 0;
    const isCounted = slots.isCounted[slot] === 1;
    const worker = slots.worker[slot] ?? 0;
    slots.release(slot);
    this.#pending -= 1;
    if (outcome === OUTCOME.success || outcome === OUTCOME.timeout) {
      decrement(this.#podActive, pod);
      // On a timeout the client gave up and closed its connection; the proxy resets the upstream stream and its
      // connection.
      if (this.#clusterIp === undefined) this.#proxy.endStream(worker, pod, outcome === OUTCOME.timeout);
      else if (outcome === OUTCOME.timeout) this.#clusterIp.release(connection);
    }
    if (isCounted) {
      if (outcome === OUTCOME.timeout) this.#tally.countTimeout(timeMs);
      else this.#tally.countResponse(outcome === OUTCOME.success, pod, startMs, timeMs);
    }
    if (!this.#isOpenLoop) this.#dispatch(connection, timeMs);
  }

  #arrive(timeMs: number): void {
    const connection = Math.floor(drawUnit(this.#arrivalRng) * this.#connections);
    this.#dispatch(connection, timeMs);
    if (this.#isSending) {
      this.#queue.push(timeMs + drawExponential(this.#arrivalRng, this.#meanGapMs), ARRIVAL);
    }
  }

  #refresh(timeMs: number): void {
    this.#proxy.refreshHostSet(timeMs);
    if (this.#isSending || this.#pending > 0) this.#queue.push(timeMs + this.#refreshMs, DNS_REFRESH);
  }

  #applyEvent(index: number, timeMs: number): void {
    const event = this.#scenario.events[index];
    if (event === undefined) return;
    const target: SimEventTarget = {
      fleet: this.#fleet,
      failPod: (podId, atMs) => this.#failPod(podId, atMs),
    };
    const podName = event.action === 'scale' ? undefined : this.#fleet.member(event.pod)?.name;
    const detail = applySimEvent(target, event, timeMs);
    this.#syncPods();
    this.#tally.logEvent({
      ...event,
      appliedAtMs: timeMs - this.#windowStartMs,
      detail,
      ...(podName === undefined ? {} : { podName }),
    });
  }

  /** See {@link SimEventTarget.failPod}. */
  #failPod(podId: number, timeMs: number): number {
    this.#podAlive[podId] = 0;
    const connections = this.#failRequestsInFlight(podId, timeMs);
    this.#proxy.closePools(podId);
    // Behind a ClusterIP Service those were the clients' own connections: they reconnect to another pod.
    for (const connection of connections) this.#clusterIp?.release(connection);
    if (!this.#isOpenLoop) for (const connection of connections) this.#dispatch(connection, timeMs);
    return connections.length;
  }

  /** Ends every request in flight on `podId` as a failure; returns their client connections in slot order. */
  #failRequestsInFlight(podId: number, timeMs: number): number[] {
    const slots = this.#slots;
    const connections: number[] = [];
    for (let slot = 0; slot < slots.highWater; slot += 1) {
      const outcome = slots.outcome[slot];
      const isOnPod = slots.state[slot] === SLOT_STATE.active && slots.pod[slot] === podId;
      if (!isOnPod || (outcome !== OUTCOME.success && outcome !== OUTCOME.timeout)) continue;
      // The slot stays `ended` until its queued completion comes out of the queue and frees it.
      slots.state[slot] = SLOT_STATE.ended;
      this.#pending -= 1;
      this.#podActive[podId] = (this.#podActive[podId] ?? 1) - 1;
      if (slots.isCounted[slot] === 1) this.#tally.countReset(podId, slots.startMs[slot] ?? timeMs, timeMs);
      connections.push(slots.connection[slot] ?? 0);
    }
    return connections;
  }
}
