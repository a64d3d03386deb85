import type { Rng } from 'lbbench-proxy';
import type { Scenario } from '../scenario/types.js';
import { getSimBalancerOptions, SIM_BALANCER_SETTINGS } from './balancer-settings.js';
import { decrement, increment } from './counter-arrays.js';
import { EventQueue } from './event-queue.js';
import { OUTCOME, RequestSlots, SLOT_STATE } from './request-slots.js';
import { applySimEvent, type SimEventTarget } from './sim-events.js';
import { countMaxPods, SimFleet } from './sim-fleet.js';
import {
  resolveHealthSettings,
  toHealthCheckConfig,
  toOutlierDetectionConfig,
} from '../envoy-config/outlier-detection.js';
import type { OutlierDetectionSpec } from '../scenario/types.js';
import { SimKeys } from './sim-keys.js';
import { resolveRowRetries } from '../scenario/row-retries.js';
import { SimRetries, toAttemptFailure, type RequestRetry } from './sim-retries.js';
import type { ProbeResult } from './sim-health-checker.js';
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
/** Health-check steps: payload HEALTH_CHECK_BASE − (2 × pod + step), far below the scenario events. */
const HEALTH_CHECK_BASE = -(2 ** 24);

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
  readonly #keys: SimKeys | undefined;
  /** The row's retries; undefined: none. */
  readonly #retries: SimRetries | undefined;
  /** `per_try_timeout` of the row's retries; Infinity: none. */
  readonly #perTryTimeoutMs: number;
  /** Each request's retry state, by the slot of its current attempt (created at its first retriable failure). */
  readonly #requestRetries: (RequestRetry | undefined)[] = [];
  /** The outcome of the deadline {@link #getDeadlineMs} returned last. */
  #deadlineOutcome: number = OUTCOME.timeout;
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
    const envoyRow = input.row.proxy === 'envoy' ? input.row : undefined;
    this.#keys = SimKeys.create(scenario, envoyRow?.policy, seed);
    const retries = envoyRow === undefined ? undefined : resolveRowRetries(envoyRow, proxy.retries);
    this.#retries = retries === undefined ? undefined : new SimRetries(retries);
    this.#perTryTimeoutMs = retries?.perTryTimeoutMs ?? Infinity;
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
    // Only an Envoy row's proxy detects outliers and checks health; scenario checks refuse them on other rows.
    const health =
      input.row.proxy === 'envoy'
        ? resolveHealthSettings(input.row, proxy)
        : { outlierDetection: undefined, healthCheck: undefined };
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
      outlierDetection: simOutlierDetection(health.outlierDetection),
      healthCheck:
        health.healthCheck === undefined
          ? undefined
          : {
              config: toHealthCheckConfig(health.healthCheck),
              warmUpNextMs: drawUnit(this.#setupRng) * health.healthCheck.intervalMs,
              probe: (pod) => this.#probe(pod),
              schedule: (timeMs, pod, step) => {
                this.#queue.push(timeMs, HEALTH_CHECK_BASE - (2 * pod + step));
              },
            },
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
      else if (payload <= HEALTH_CHECK_BASE) this.#healthCheckStep(HEALTH_CHECK_BASE - payload, timeMs);
      else this.#applyEvent(FIRST_SCENARIO_EVENT - payload, timeMs);
    }
    const { load, sim } = this.#scenario;
    const outcome = this.#tally.buildOutcome({
      fleet: this.#fleet,
      hostSets: this.#proxy.hostSets,
      fixedDurationMs: sim.requests === undefined ? load.durationMs : undefined,
      workersWithConnections: this.#proxy.workersWithConnections,
    });
    const counted = this.#proxy.healthEvents.filter((event) => event.tMs >= 0);
    return {
      ...outcome,
      healthEvents: counted,
      ...(this.#keys === undefined ? {} : { keyTally: this.#keys.snapshot() }),
    };
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
    const key = this.#keys?.draw() ?? 0;
    slots.key[slot] = key;
    const clusterIpPick = this.#clusterIp?.pick(connection);
    const pod =
      clusterIpPick === undefined ? this.#proxy.pickPod(worker, this.#keys?.hashOf(key)) : clusterIpPick.pod;
    this.#sendAttempt(slot, pod, timeMs, clusterIpPick?.isNewConnection);
  }

  /**
   * The attempt in `slot` goes to the picked `pod`: none (-1, a 503), a dead pod (refused, a 503), or a live one.
   * `isNewClientConnection`: on the CLUSTER_IP row, whether the client's own connection to the pod is new.
   */
  #sendAttempt(slot: number, pod: number, timeMs: number, isNewClientConnection?: boolean): void {
    const slots = this.#slots;
    const isCounted = slots.isCounted[slot] === 1;
    slots.pod[slot] = pod;
    if (pod < 0) {
      this.#endEarly(slot, OUTCOME.noHost, timeMs);
    } else if (this.#podAlive[pod] === 0) {
      if (isCounted) this.#tally.countConnectFailure(pod);
      this.#endEarly(slot, OUTCOME.connectFailure, timeMs);
    } else {
      this.#attach(slot, {
        pod,
        worker: slots.worker[slot] ?? 0,
        timeMs,
        isCounted,
        isNewClientConnection,
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
   * (and the route timeout and per-try timeout may end the attempt first); on the CLUSTER_IP row it is the client's
   * own (`isNewClientConnection`) and only the client's timeout applies.
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
    this.#slots.attemptStartMs[slot] = timeMs;
    increment(this.#podActive, pod);
    const isNewConnection = request.isNewClientConnection ?? this.#proxy.startStream(worker, pod);
    if (isCounted) this.#tally.countUpstreamRequest(pod, timeMs, isNewConnection);
    const decision = this.#podService.decideArrival(pod);
    if (decision === ARRIVAL_DECISION.error) {
      this.#schedule(slot, timeMs, this.#podService.drawBaseMs(), OUTCOME.upstreamError);
    } else if (decision === ARRIVAL_DECISION.hang) {
      this.#schedule(slot, timeMs, Infinity, OUTCOME.timeout);
    } else if (this.#podService.tryStart(pod)) {
      this.#startService(slot, pod, timeMs);
    } else {
      this.#podService.enqueue(pod, slot);
      this.#slots.refs[slot] = (this.#slots.refs[slot] ?? 0) + 1;
      this.#schedule(slot, timeMs, Infinity, OUTCOME.timeout);
    }
  }

  /**
   * Pushes the slot's end `durationMs` after `timeMs` with `outcome`, unless a deadline comes first and ends it
   * instead (see {@link #getDeadlineMs}).
   */
  #schedule(slot: number, timeMs: number, durationMs: number, outcome: number): void {
    const slots = this.#slots;
    const deadlineMs = this.#getDeadlineMs(slot, outcome !== OUTCOME.backOff);
    const endMs = timeMs + Math.max(MIN_SERVICE_MS, durationMs);
    const isCut = endMs > deadlineMs;
    slots.outcome[slot] = isCut ? this.#deadlineOutcome : outcome;
    slots.refs[slot] = (slots.refs[slot] ?? 0) + 1;
    this.#queue.push(isCut ? deadlineMs : endMs, slot);
  }

  /**
   * The first deadline of the request in `slot`: the client's timeout, or the proxy's route timeout (both from
   * when the request was sent, across its retries; the client's wins a tie), or, for an attempt on a pod, the
   * retry policy's per-try timeout from when the attempt reached the pod. Sets {@link #deadlineOutcome}.
   */
  #getDeadlineMs(slot: number, isOnPod: boolean): number {
    const slots = this.#slots;
    const startMs = slots.startMs[slot] ?? 0;
    let deadlineMs = startMs + this.#timeoutMs;
    this.#deadlineOutcome = OUTCOME.timeout;
    // Only a proxy has a route timeout; a CLUSTER_IP client waits for its own.
    if (this.#clusterIp === undefined && startMs + ROUTE_TIMEOUT_MS < deadlineMs) {
      deadlineMs = startMs + ROUTE_TIMEOUT_MS;
      this.#deadlineOutcome = OUTCOME.routeTimeout;
    }
    const tryEndMs = (slots.attemptStartMs[slot] ?? 0) + this.#perTryTimeoutMs;
    if (isOnPod && tryEndMs < deadlineMs) {
      deadlineMs = tryEndMs;
      this.#deadlineOutcome = OUTCOME.tryTimeout;
    }
    return deadlineMs;
  }

  /** `pod` starts serving the request in `slot` (a capacity slot is taken). */
  #startService(slot: number, pod: number, timeMs: number): void {
    const slots = this.#slots;
    slots.isServing[slot] = 1;
    const serviceMs = this.#podService.drawServiceMs(pod);
    const deadlineMs = this.#getDeadlineMs(slot, true);
    // A request that waited already has its deadline queued; it needs its own end only if that comes first.
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

  /**
   * An event of the slot comes due: its back-off ended (the retry picks its host), or its attempt ended (the pod
   * side is settled, then the request is retried or answered). A slot already ended only lets go of the event.
   */
  #complete(slot: number, timeMs: number): void {
    const slots = this.#slots;
    if (slots.state[slot] === SLOT_STATE.ended) {
      slots.unref(slot);
      return;
    }
    const outcome = slots.outcome[slot] ?? OUTCOME.success;
    if (outcome === OUTCOME.backOff) {
      slots.refs[slot] = (slots.refs[slot] ?? 1) - 1;
      this.#sendRetry(slot, timeMs);
      return;
    }
    const pod = slots.pod[slot] ?? -1;
    const wasServing = slots.isServing[slot] === 1;
    const key = slots.key[slot] ?? 0;
    slots.state[slot] = SLOT_STATE.ended;
    slots.unref(slot);
    this.#reportOutlierResult(outcome, pod);
    const isOnPod = pod >= 0 && outcome !== OUTCOME.connectFailure && outcome !== OUTCOME.noHost;
    if (isOnPod) {
      decrement(this.#podActive, pod);
      // On a timeout the client gave up and closed its connection; the proxy resets the upstream stream and its
      // connection (so does a route or per-try timeout). Behind a ClusterIP Service the client's own connection
      // closes on a timeout, and its next request opens a new one.
      const isReset =
        outcome === OUTCOME.timeout || outcome === OUTCOME.routeTimeout || outcome === OUTCOME.tryTimeout;
      if (this.#clusterIp === undefined) this.#proxy.endStream(slots.worker[slot] ?? 0, pod, isReset);
      else if (isReset) this.#clusterIp.release(slots.connection[slot] ?? 0);
      if (wasServing) this.#startNextWaiting(pod, timeMs);
      if (slots.isCounted[slot] === 1) this.#countAttemptEnd(outcome, pod);
    }
    if (this.#retryIfAllowed(slot, outcome, timeMs)) return;
    // Only a pod's own answer (its 200, or its 503 when failing) carries its X-Upstream-Pod header, so only those
    // are tallied per key, as the live client tallies them.
    const isOwnAnswer = outcome === OUTCOME.success || outcome === OUTCOME.upstreamError;
    if (slots.isCounted[slot] === 1 && isOwnAnswer) this.#recordKey(key, pod, timeMs);
    const connection = this.#endRequest(slot, outcome, timeMs);
    if (!this.#isOpenLoop) this.#dispatch(connection, timeMs);
  }

  /** An attempt's end in its pod's counters (a refused connection was counted when it was refused). */
  #countAttemptEnd(outcome: number, pod: number): void {
    if (outcome === OUTCOME.success) this.#tally.countAttemptEnd(pod, 'success');
    else if (outcome === OUTCOME.routeTimeout || outcome === OUTCOME.tryTimeout)
      this.#tally.countAttemptEnd(pod, 'timeout');
    else if (outcome === OUTCOME.upstreamError || outcome === OUTCOME.reset)
      this.#tally.countAttemptEnd(pod, 'error');
  }

  /**
   * Asks the row's retries whether the request whose attempt in `slot` ended with `outcome` is retried; if so, moves
   * it to a new slot that waits out the back-off, and returns true. A request that is not retried gives back its
   * `max_retries` slot.
   */
  #retryIfAllowed(slot: number, outcome: number, timeMs: number): boolean {
    const retries = this.#retries;
    if (retries === undefined) return false;
    const failure = toAttemptFailure(outcome);
    let request = this.#requestRetries[slot];
    this.#requestRetries[slot] = undefined;
    if (failure === undefined || !retries.isRetriable(failure)) {
      if (request !== undefined) retries.decide(request, false);
      return false;
    }
    const slots = this.#slots;
    const worker = slots.worker[slot] ?? 0;
    request ??= retries.createRequest(slots.pod[slot] ?? -1, this.#proxy.getWorkerRandom(worker));
    if (retries.decide(request, true) !== 'yes') return false;
    const next = slots.allocate();
    slots.startMs[next] = slots.startMs[slot] ?? timeMs;
    slots.attemptStartMs[next] = timeMs;
    slots.worker[next] = worker;
    slots.connection[next] = slots.connection[slot] ?? 0;
    slots.isCounted[next] = slots.isCounted[slot] ?? 0;
    slots.key[next] = slots.key[slot] ?? 0;
    slots.pod[next] = -1;
    this.#requestRetries[next] = request;
    this.#schedule(next, timeMs, request.backOff.nextBackOffMs(), OUTCOME.backOff);
    return true;
  }

  /** The back-off of the request in `slot` is over: its next attempt goes to the host the retry picks. */
  #sendRetry(slot: number, timeMs: number): void {
    const request = this.#requestRetries[slot];
    const policy = this.#retries?.policy;
    if (request === undefined || policy === undefined) return;
    const worker = this.#slots.worker[slot] ?? 0;
    const hash = this.#keys?.hashOf(this.#slots.key[slot] ?? 0);
    const pod = this.#proxy.pickRetryPod(worker, hash, { policy, attemptedPods: request.attemptedPods });
    if (pod >= 0) request.attemptedPods.push(pod);
    this.#sendAttempt(slot, pod, timeMs);
  }

  /** The client gets its response (or gave up): counts it, and returns the request's connection. */
  #endRequest(slot: number, outcome: number, timeMs: number): number {
    const slots = this.#slots;
    this.#pending -= 1;
    if (slots.isCounted[slot] === 1) {
      const startMs = slots.startMs[slot] ?? 0;
      if (outcome === OUTCOME.timeout) this.#tally.countTimeout(timeMs);
      else this.#tally.countClientResponse(outcome === OUTCOME.success, startMs, timeMs);
    }
    return slots.connection[slot] ?? 0;
  }

  #recordKey(key: number, pod: number, timeMs: number): void {
    const name = this.#fleet.pods[pod]?.name;
    if (this.#keys !== undefined && name !== undefined)
      this.#keys.record(key, name, timeMs - this.#windowStartMs);
  }

  #arrive(timeMs: number): void {
    const connection = Math.floor(drawUnit(this.#arrivalRng) * this.#connections);
    this.#dispatch(connection, timeMs);
    if (this.#isSending) {
      this.#queue.push(timeMs + drawExponential(this.#arrivalRng, this.#meanGapMs), ARRIVAL);
    }
  }

  /**
   * What the router tells outlier detection about an attempt: the pod's status (200 or 503), a failed or reset
   * connection, or the route or per-try timeout. A client that gave up first is a downstream reset, which Envoy
   * does not report; a request without a host (or waiting out a back-off) reached no pod.
   */
  #reportOutlierResult(outcome: number, pod: number): void {
    if (pod < 0) return;
    if (outcome === OUTCOME.success) this.#proxy.reportResult(pod, { kind: 'http', status: 200 });
    else if (outcome === OUTCOME.upstreamError) this.#proxy.reportResult(pod, { kind: 'http', status: 503 });
    else if (outcome === OUTCOME.connectFailure || outcome === OUTCOME.reset)
      this.#proxy.reportResult(pod, { kind: 'connect-failed' });
    else if (outcome === OUTCOME.routeTimeout || outcome === OUTCOME.tryTimeout)
      this.#proxy.reportResult(pod, { kind: 'timeout' });
  }

  /** A step of a pod's health check; `code` is 2 × pod + step. */
  #healthCheckStep(code: number, timeMs: number): void {
    this.#proxy.onHealthCheckStep(Math.floor(code / 2), code % 2, timeMs);
  }

  /**
   * A health-check probe (`GET <path>`) reaching `pod` now: a dead pod refuses it; else the pod decides as for any
   * request: a hang never answers (the check times out), a 503 comes after the base time, a 200 after a service
   * time.
   */
  #probe(pod: number): { result: ProbeResult; durationMs: number } {
    if (this.#podAlive[pod] === 0) return { result: 'network', durationMs: LOCAL_REPLY_MS };
    const decision = this.#podService.decideArrival(pod);
    if (decision === ARRIVAL_DECISION.hang) return { result: 'timeout', durationMs: Infinity };
    if (decision === ARRIVAL_DECISION.error)
      return { result: 'active', durationMs: this.#podService.drawBaseMs() };
    return { result: 'passed', durationMs: this.#podService.drawServiceMs(pod) };
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

  /**
   * Ends every attempt in flight on `podId` as reset (`rq_error`, a connect failure for outlier detection); each is
   * retried if its retries allow, else its client gets a 503. Returns the client connections of the requests that
   * ended, in slot order.
   */
  #failRequestsInFlight(podId: number, timeMs: number): number[] {
    const slots = this.#slots;
    const connections: number[] = [];
    for (let slot = 0; slot < slots.highWater; slot += 1) {
      const outcome = slots.outcome[slot];
      const isOnPod = slots.state[slot] === SLOT_STATE.active && slots.pod[slot] === podId;
      if (!isOnPod || outcome === OUTCOME.connectFailure || outcome === OUTCOME.noHost) continue;
      // The slot stays `ended` until its queued completion comes out of the queue and frees it.
      slots.state[slot] = SLOT_STATE.ended;
      this.#podActive[podId] = (this.#podActive[podId] ?? 1) - 1;
      this.#reportOutlierResult(OUTCOME.reset, podId);
      if (slots.isCounted[slot] === 1) this.#countAttemptEnd(OUTCOME.reset, podId);
      if (this.#retryIfAllowed(slot, OUTCOME.reset, timeMs)) continue;
      connections.push(this.#endRequest(slot, OUTCOME.reset, timeMs));
    }
    for (const slot of this.#podService.drain(podId)) slots.unref(slot);
    return connections;
  }
}
