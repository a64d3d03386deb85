import type { Rng } from 'lbbench-proxy';
import type { Scenario } from '../scenario/types.js';
import { getSimBalancerOptions, SIM_BALANCER_SETTINGS } from './balancer-settings.js';
import { decrement, increment } from './counter-arrays.js';
import { EventQueue } from './event-queue.js';
import { OUTCOME, RequestSlots, SLOT_STATE } from './request-slots.js';
import { applySimEvent, type SimEventTarget } from './sim-events.js';
import { countMaxPods, SimFleet } from './sim-fleet.js';
import { resolveHealthSettings, toOutlierDetectionConfig } from '../envoy-config/outlier-detection.js';
import type { OutlierDetectionSpec } from '../scenario/types.js';
import { SimClusterIp } from './sim-cluster-ip.js';
import { SimProxy } from './sim-proxy.js';
import { createModelRng, drawExponential, drawUnit, MODEL_STREAMS } from './sim-seeds.js';
import { ARRIVAL_DECISION, SimPodService } from './sim-pod-service.js';
import { BUCKET_MS, EVENT_BUCKET_MS, SimTally } from './sim-tally.js';
import type { SimOutcome, SimRunInput } from './sim-types.js';

/** How long the proxy takes to answer 503 on its own (refused connection to a dead pod, or no host). */
const LOCAL_REPLY_MS = 0.1;
/** The shortest round trip to a pod, so that simulated time always moves on (1 µs). */
const MIN_SERVICE_MS = 0.001;
/** The route timeout of the proxy's templates (`timeout: 60s`): it ends a request a hung pod holds, with a 504. */
const ROUTE_TIMEOUT_MS = 60_000;

// Negative event payloads; a payload ≥ 0 is the request slot whose response arrives.
const ARRIVAL = -1;
const DNS_REFRESH = -2;
const OUTLIER_INTERVAL = -3;
const FIRST_SCENARIO_EVENT = -4;

/** The detector settings of a row's outlier detection, or undefined without it. */
function simOutlierDetection(spec: OutlierDetectionSpec | undefined) {
  return spec === undefined ? undefined : toOutlierDetectionConfig(spec);
}

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
  readonly #timeoutMs: number;
  readonly #refreshMs: number;
  readonly #meanGapMs: number;
  readonly #arrivalRng: Rng;
  readonly #setupRng: Rng;
  readonly #connections: number;
  readonly #podActive: Int32Array;
  readonly #podAlive: Uint8Array;
  readonly #podService: SimPodService;
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
    this.#timeoutMs = load.timeoutMs;
    this.#refreshMs = proxy.dnsRefreshRateMs;
    this.#arrivalRng = createModelRng(seed, MODEL_STREAMS.arrivals);
    this.#setupRng = createModelRng(seed, MODEL_STREAMS.setup);
    this.#connections = load.connections;
    const maxPods = countMaxPods(scenario.replicas, scenario.events);
    this.#podActive = new Int32Array(maxPods);
    this.#podAlive = new Uint8Array(maxPods);
    this.#podService = new SimPodService({
      maxPods,
      runSeed: seed,
      isExponentialBase: sim.serviceTime === 'exponential',
      baseServiceMs: sim.baseServiceTimeMs,
      serviceRng: createModelRng(seed, MODEL_STREAMS.service),
    });
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
      // The CLUSTER_IP row has no proxy: its balancer is never asked to pick, the proxy only logs the host sets.
      balancerOptions:
        input.row.proxy === 'envoy'
          ? getSimBalancerOptions(input.row)
          : { policy: 'RANDOM', ...SIM_BALANCER_SETTINGS },
      createBalancer: input.createBalancer,
      setupRng: this.#setupRng,
      fleet: this.#fleet,
      podActive: this.#podActive,
      windowStartMs: this.#windowStartMs,
      now: () => this.#queue.poppedTimeMs,
      // Only an Envoy row's proxy detects outliers; scenario checks refuse outlier detection on other rows.
      outlierDetection:
        input.row.proxy === 'envoy'
          ? simOutlierDetection(resolveHealthSettings(input.row, proxy).outlierDetection)
          : undefined,
    });
    this.#clusterIp =
      input.row.proxy === 'cluster-ip'
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
      else if (payload === OUTLIER_INTERVAL) this.#outlierInterval(timeMs);
      else this.#applyEvent(FIRST_SCENARIO_EVENT - payload, timeMs);
    }
    const { load, sim } = this.#scenario;
    const outcome = this.#tally.buildOutcome({
      fleet: this.#fleet,
      hostSets: this.#proxy.hostSets,
      fixedDurationMs: sim.requests === undefined ? load.durationMs : undefined,
      workersWithConnections: this.#proxy.workersWithConnections,
    });
    const counted = this.#proxy.outlierEvents.filter((event) => event.tMs >= 0);
    return { ...outcome, outlierEvents: counted };
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
      this.#podService.setBehavior(pod.id, pod.behavior);
      this.#podService.setFault(pod.id, pod.fault);
    }
    this.#tally.noteReady(this.#fleet.readyIds());
  }

  #scheduleStart(): void {
    this.#queue.push(drawUnit(this.#setupRng) * this.#refreshMs, DNS_REFRESH);
    const intervalMs = this.#proxy.outlierIntervalMs;
    if (intervalMs !== undefined) this.#queue.push(intervalMs, OUTLIER_INTERVAL);
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
   * The request in `slot` reaches `pod`: the pod decides on arrival to answer 503, to hang, or to serve it, at once
   * if it has a free capacity slot, else after the requests waiting before it. The client gives up `timeoutMs`
   * after sending, wherever the request is by then. Behind a proxy the pod's connection is one of the worker's pool
   * (and the route timeout may end a hung request first); on the CLUSTER_IP row it is the client's own
   * (`isNewClientConnection`) and only the client's timeout applies.
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
    const decision = this.#podService.decideArrival(pod);
    if (decision === ARRIVAL_DECISION.error) {
      this.#schedule(slot, timeMs, this.#podService.drawBaseMs(), OUTCOME.upstreamError);
    } else if (decision === ARRIVAL_DECISION.hang) {
      const isRouteFirst = this.#clusterIp === undefined && ROUTE_TIMEOUT_MS < this.#timeoutMs;
      this.#schedule(slot, timeMs, Infinity, isRouteFirst ? OUTCOME.routeTimeout : OUTCOME.timeout);
    } else if (this.#podService.tryStart(pod)) {
      this.#startService(slot, pod, timeMs);
    } else {
      this.#podService.enqueue(pod, slot);
      this.#slots.refs[slot] = (this.#slots.refs[slot] ?? 0) + 1;
      this.#schedule(slot, timeMs, Infinity, OUTCOME.timeout);
    }
  }

  /** Pushes the slot's end `durationMs` after `timeMs` (at most the client's timeout, or the route timeout). */
  #schedule(slot: number, timeMs: number, durationMs: number, outcome: number): void {
    const slots = this.#slots;
    const startMs = slots.startMs[slot] ?? timeMs;
    const limitMs = outcome === OUTCOME.routeTimeout ? ROUTE_TIMEOUT_MS : this.#timeoutMs;
    const endMs = timeMs + Math.max(MIN_SERVICE_MS, durationMs);
    const isTimedOut = endMs > startMs + limitMs;
    slots.outcome[slot] = isTimedOut && outcome !== OUTCOME.routeTimeout ? OUTCOME.timeout : outcome;
    slots.refs[slot] = (slots.refs[slot] ?? 0) + 1;
    this.#queue.push(isTimedOut ? startMs + limitMs : endMs, slot);
  }

  /** `pod` starts serving the request in `slot` (a capacity slot is taken). */
  #startService(slot: number, pod: number, timeMs: number): void {
    const slots = this.#slots;
    slots.isServing[slot] = 1;
    const serviceMs = this.#podService.drawServiceMs(pod);
    const deadlineMs = (slots.startMs[slot] ?? timeMs) + this.#timeoutMs;
    // A request that waited already has its timeout queued; it needs its own end only if that comes first.
    if (slots.refs[slot] === 0 || timeMs + serviceMs < deadlineMs) {
      this.#schedule(slot, timeMs, serviceMs, OUTCOME.success);
    }
  }

  /** A capacity slot of `pod` is free: the first request still waiting (not timed out) starts. */
  #startNextWaiting(pod: number, timeMs: number): void {
    this.#podService.finish(pod);
    for (let slot = this.#podService.dequeue(pod); slot >= 0; slot = this.#podService.dequeue(pod)) {
      const isWaiting = this.#slots.state[slot] === SLOT_STATE.active;
      this.#slots.unref(slot);
      if (isWaiting && this.#podService.tryStart(pod)) {
        this.#startService(slot, pod, timeMs);
        return;
      }
    }
  }

  #endEarly(slot: number, outcome: number, timeMs: number): void {
    this.#slots.outcome[slot] = outcome;
    this.#slots.refs[slot] = 1;
    this.#queue.push(timeMs + LOCAL_REPLY_MS, slot);
  }

  #complete(slot: number, timeMs: number): void {
    const slots = this.#slots;
    if (slots.state[slot] === SLOT_STATE.ended) {
      slots.unref(slot);
      return;
    }
    const outcome = slots.outcome[slot] ?? OUTCOME.success;
    const pod = slots.pod[slot] ?? 0;
    const connection = slots.connection[slot] ?? 0;
    const startMs = slots.startMs[slot] ?? 0;
    const isCounted = slots.isCounted[slot] === 1;
    const worker = slots.worker[slot] ?? 0;
    const wasServing = slots.isServing[slot] === 1;
    slots.state[slot] = SLOT_STATE.ended;
    slots.unref(slot);
    this.#pending -= 1;
    this.#reportOutlierResult(outcome, pod);
    if (outcome !== OUTCOME.connectFailure && outcome !== OUTCOME.noHost) {
      decrement(this.#podActive, pod);
      // On a timeout the client gave up and closed its connection; the proxy resets the upstream stream and its
      // connection (so does a route timeout, after answering 504). Behind a ClusterIP Service the client's own
      // connection closes on a timeout, and its next request opens a new one.
      const isReset = outcome === OUTCOME.timeout || outcome === OUTCOME.routeTimeout;
      if (this.#clusterIp === undefined) this.#proxy.endStream(worker, pod, isReset);
      else if (isReset) this.#clusterIp.release(connection);
      if (wasServing) this.#startNextWaiting(pod, timeMs);
    }
    if (isCounted) this.#countEnd(outcome, pod, startMs, timeMs);
    if (!this.#isOpenLoop) this.#dispatch(connection, timeMs);
  }

  #countEnd(outcome: number, pod: number, startMs: number, timeMs: number): void {
    const tally = this.#tally;
    if (outcome === OUTCOME.timeout) tally.countTimeout(timeMs);
    else if (outcome === OUTCOME.upstreamError) tally.countUpstreamError(pod, startMs, timeMs);
    else if (outcome === OUTCOME.routeTimeout) tally.countRouteTimeout(pod, startMs, timeMs);
    else tally.countResponse(outcome === OUTCOME.success, pod, startMs, timeMs);
  }

  #arrive(timeMs: number): void {
    const connection = Math.floor(drawUnit(this.#arrivalRng) * this.#connections);
    this.#dispatch(connection, timeMs);
    if (this.#isSending) {
      this.#queue.push(timeMs + drawExponential(this.#arrivalRng, this.#meanGapMs), ARRIVAL);
    }
  }

  /**
   * What the router tells outlier detection about an attempt: the pod's status (200 or 503), a failed
   * connection, or the route timeout. A client that gave up first is a downstream reset, which Envoy does not
   * report; a request without a host reached no pod.
   */
  #reportOutlierResult(outcome: number, pod: number): void {
    if (outcome === OUTCOME.success) this.#proxy.reportResult(pod, { kind: 'http', status: 200 });
    else if (outcome === OUTCOME.upstreamError) this.#proxy.reportResult(pod, { kind: 'http', status: 503 });
    else if (outcome === OUTCOME.connectFailure) this.#proxy.reportResult(pod, { kind: 'connect-failed' });
    else if (outcome === OUTCOME.routeTimeout) this.#proxy.reportResult(pod, { kind: 'timeout' });
  }

  /** Outlier detection's interval tick, re-armed after each, as Envoy's timer. */
  #outlierInterval(timeMs: number): void {
    this.#proxy.onOutlierInterval();
    const intervalMs = this.#proxy.outlierIntervalMs;
    if (intervalMs !== undefined && (this.#isSending || this.#pending > 0))
      this.#queue.push(timeMs + intervalMs, OUTLIER_INTERVAL);
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
      if (!isOnPod || outcome === OUTCOME.connectFailure || outcome === OUTCOME.noHost) continue;
      // The slot stays `ended` until its queued completion comes out of the queue and frees it.
      slots.state[slot] = SLOT_STATE.ended;
      this.#pending -= 1;
      this.#podActive[podId] = (this.#podActive[podId] ?? 1) - 1;
      if (slots.isCounted[slot] === 1) this.#tally.countReset(podId, slots.startMs[slot] ?? timeMs, timeMs);
      connections.push(slots.connection[slot] ?? 0);
    }
    for (const slot of this.#podService.drain(podId)) slots.unref(slot);
    return connections;
  }
}
