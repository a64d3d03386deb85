import type { Balancer, PickContext, Rng } from 'lbbench-proxy';
import type { AppliedEvent } from '../results/types.js';
import type { ScenarioEvent } from '../scenario/types.js';
import { LatencyHistogram } from '../stats/histogram.js';
import { EventQueue } from './event-queue.js';
import { OUTCOME, RequestSlots, SLOT_STATE } from './request-slots.js';
import { applySimEvent } from './sim-events.js';
import { countMaxPods, SimFleet } from './sim-fleet.js';
import { buildSimOutcome } from './sim-outcome.js';
import { applyHostSet, createWorkers, refreshHostSet } from './sim-proxy.js';
import { createModelRng, drawExponential, drawUnit, MODEL_STREAMS } from './sim-seeds.js';
import type { HostSetChange, SimOutcome, SimRunInput } from './sim-types.js';

/** How long the proxy takes to answer 503 on its own (refused connection to a dead pod, or no host). */
const LOCAL_REPLY_MS = 0.1;
/** The shortest round trip to a pod, so that simulated time always moves on (1 µs). */
const MIN_SERVICE_MS = 0.001;
/** Width of a timeline interval. */
export const BUCKET_MS = 1000;

// Negative event payloads; a payload ≥ 0 is the request slot whose response arrives.
const ARRIVAL = -1;
const DNS_REFRESH = -2;
const FIRST_SCENARIO_EVENT = -3;

/** Runs one policy × repetition of the model and returns what it observed (see `simulateRun` for the model). */
export function runSimEngine(input: SimRunInput): SimOutcome {
  return new SimEngine(input).run();
}

/** The mutable state of one run; public fields are read by the event and outcome helpers. */
export class SimEngine {
  readonly input: SimRunInput;
  readonly balancer: Balancer<unknown>;
  readonly queue = new EventQueue();
  readonly slots = new RequestSlots();
  readonly fleet: SimFleet;
  readonly histogram = new LatencyHistogram();
  readonly isOpenLoop: boolean;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly requestLimit: number;
  readonly isExponential: boolean;
  readonly baseServiceMs: number;
  readonly timeoutMs: number;
  readonly refreshMs: number;
  readonly meanGapMs: number;
  readonly serviceRng: Rng;
  readonly arrivalRng: Rng;
  readonly setupRng: Rng;
  readonly workerStates: unknown[] = [];
  readonly contexts: PickContext[] = [];
  readonly connectionWorker: Int32Array;
  readonly maxPods: number;
  readonly podActive: Int32Array;
  readonly podDelayMs: Float64Array;
  readonly podAlive: Uint8Array;
  readonly poolOpen: Int32Array;
  readonly poolBusy: Int32Array;
  readonly hostPods: Int32Array;
  hostCount = 0;
  readonly hostSets: HostSetChange[] = [];
  readonly readyDuringWindow = new Set<number>();
  readonly rqTotal: Float64Array;
  readonly rqSuccess: Float64Array;
  readonly rqError: Float64Array;
  readonly cxTotal: Float64Array;
  readonly cxConnectFail: Float64Array;
  readonly firstDispatchMs: Float64Array;
  readonly buckets: Int32Array[] = [];
  readonly events: AppliedEvent[] = [];
  requestsSent = 0;
  status2xx = 0;
  non2xx = 0;
  timeouts = 0;
  /** Requests dispatched whose outcome has not been delivered yet. */
  pending = 0;
  isSending = true;
  lastCountedEndMs = 0;

  constructor(input: SimRunInput) {
    const { scenario, seed } = input;
    const { load, sim, proxy } = scenario;
    this.input = input;
    this.balancer = input.balancer;
    this.fleet = new SimFleet(scenario);
    this.isOpenLoop = load.rateRps !== undefined;
    this.meanGapMs = load.rateRps === undefined ? 0 : 1000 / load.rateRps;
    this.windowStartMs = load.warmupMs;
    this.windowEndMs = sim.requests === undefined ? load.warmupMs + load.durationMs : Infinity;
    this.requestLimit = sim.requests ?? Infinity;
    this.isExponential = sim.serviceTime === 'exponential';
    this.baseServiceMs = sim.baseServiceTimeMs;
    this.timeoutMs = load.timeoutMs;
    this.refreshMs = proxy.dnsRefreshRateMs;
    this.serviceRng = createModelRng(seed, MODEL_STREAMS.service);
    this.arrivalRng = createModelRng(seed, MODEL_STREAMS.arrivals);
    this.setupRng = createModelRng(seed, MODEL_STREAMS.setup);
    this.maxPods = countMaxPods(scenario.replicas, scenario.events);
    const perPod = (): Float64Array => new Float64Array(this.maxPods);
    this.rqTotal = perPod();
    this.rqSuccess = perPod();
    this.rqError = perPod();
    this.cxTotal = perPod();
    this.cxConnectFail = perPod();
    this.firstDispatchMs = perPod().fill(Number.NaN);
    this.podActive = new Int32Array(this.maxPods);
    this.podDelayMs = perPod();
    this.podAlive = new Uint8Array(this.maxPods);
    this.hostPods = new Int32Array(this.maxPods);
    this.poolOpen = new Int32Array(proxy.concurrency * this.maxPods);
    this.poolBusy = new Int32Array(proxy.concurrency * this.maxPods);
    this.connectionWorker = new Int32Array(load.connections);
    createWorkers(this, proxy.concurrency);
  }

  /** Runs the event loop until nothing is sent any more and every request has ended. */
  run(): SimOutcome {
    this.syncPods();
    applyHostSet(this, this.fleet.readyIds(), 0);
    this.#scheduleStart();
    const queue = this.queue;
    while ((this.isSending || this.pending > 0) && queue.pop()) {
      const timeMs = queue.poppedTimeMs;
      const payload = queue.poppedPayload;
      if (payload >= 0) this.#complete(payload, timeMs);
      else if (payload === ARRIVAL) this.#arrive(timeMs);
      else if (payload === DNS_REFRESH) this.#refresh(timeMs);
      else this.#applyEvent(FIRST_SCENARIO_EVENT - payload, timeMs);
    }
    return buildSimOutcome(this);
  }

  /** A client connection sends a request at `timeMs` (if the run still sends). */
  dispatch(connection: number, timeMs: number): void {
    if (!this.isSending) return;
    if (timeMs >= this.windowEndMs) {
      this.isSending = false;
      return;
    }
    const isCounted = timeMs >= this.windowStartMs;
    if (isCounted) {
      this.requestsSent += 1;
      if (this.requestsSent >= this.requestLimit) this.isSending = false;
    }
    const worker = this.connectionWorker[connection] ?? 0;
    const slots = this.slots;
    const slot = slots.allocate();
    slots.startMs[slot] = timeMs;
    slots.worker[slot] = worker;
    slots.connection[slot] = connection;
    slots.isCounted[slot] = isCounted ? 1 : 0;
    this.pending += 1;
    const pod = this.#pickPod(worker);
    slots.pod[slot] = pod;
    if (pod < 0) {
      this.#endEarly(slot, OUTCOME.noHost, timeMs);
    } else if (this.podAlive[pod] === 0) {
      if (isCounted) {
        increment(this.rqError, pod);
        increment(this.cxConnectFail, pod);
      }
      this.#endEarly(slot, OUTCOME.connectFailure, timeMs);
    } else {
      this.#attach(slot, pod, worker, timeMs, isCounted);
    }
  }

  /** Copies the fleet's pods into the per-pod arrays and notes who is Ready (after start and every event). */
  syncPods(): void {
    for (const pod of this.fleet.pods) {
      this.podAlive[pod.id] = pod.isAlive ? 1 : 0;
      this.podDelayMs[pod.id] = pod.extraDelayMs;
    }
    for (const id of this.fleet.readyIds()) this.readyDuringWindow.add(id);
  }

  /** Records a counted request that ended at `timeMs` with its latency. */
  recordResponse(startMs: number, timeMs: number): void {
    this.histogram.record((timeMs - startMs) * 1000);
    if (timeMs > this.lastCountedEndMs) this.lastCountedEndMs = timeMs;
  }

  #scheduleStart(): void {
    const { events, load } = this.input.scenario;
    this.queue.push(drawUnit(this.setupRng) * this.refreshMs, DNS_REFRESH);
    events.forEach((event: ScenarioEvent, index) => {
      this.queue.push(this.windowStartMs + event.atMs, FIRST_SCENARIO_EVENT - index);
    });
    if (this.isOpenLoop) {
      this.queue.push(drawExponential(this.arrivalRng, this.meanGapMs), ARRIVAL);
      return;
    }
    for (let connection = 0; connection < load.connections; connection += 1) this.dispatch(connection, 0);
  }

  #pickPod(worker: number): number {
    const context = this.contexts[worker];
    if (this.hostCount === 0 || context === undefined) return -1;
    const result = this.balancer.pick(this.workerStates[worker], context);
    this.workerStates[worker] = result.state;
    const index = result.index;
    return index >= 0 && index < this.hostCount ? (this.hostPods[index] ?? -1) : -1;
  }

  #attach(slot: number, pod: number, worker: number, timeMs: number, isCounted: boolean): void {
    increment(this.podActive, pod);
    const pool = worker * this.maxPods + pod;
    if (this.poolBusy[pool] === this.poolOpen[pool]) {
      increment(this.poolOpen, pool);
      if (isCounted) increment(this.cxTotal, pod);
    }
    increment(this.poolBusy, pool);
    if (isCounted) {
      increment(this.rqTotal, pod);
      this.#countInTimeline(pod, timeMs);
    }
    const baseMs = this.isExponential
      ? drawExponential(this.serviceRng, this.baseServiceMs)
      : this.baseServiceMs;
    const serviceMs = Math.max(MIN_SERVICE_MS, baseMs + (this.podDelayMs[pod] ?? 0));
    if (serviceMs > this.timeoutMs) {
      this.slots.outcome[slot] = OUTCOME.timeout;
      this.queue.push(timeMs + this.timeoutMs, slot);
    } else {
      this.slots.outcome[slot] = OUTCOME.success;
      this.queue.push(timeMs + serviceMs, slot);
    }
  }

  #countInTimeline(pod: number, timeMs: number): void {
    const sinceStartMs = timeMs - this.windowStartMs;
    const bucket = Math.floor(sinceStartMs / BUCKET_MS);
    while (this.buckets.length <= bucket) this.buckets.push(new Int32Array(this.maxPods));
    const counts = this.buckets[bucket];
    if (counts !== undefined) increment(counts, pod);
    if (Number.isNaN(this.firstDispatchMs[pod])) this.firstDispatchMs[pod] = sinceStartMs;
  }

  #endEarly(slot: number, outcome: number, timeMs: number): void {
    this.slots.outcome[slot] = outcome;
    this.queue.push(timeMs + LOCAL_REPLY_MS, slot);
  }

  #complete(slot: number, timeMs: number): void {
    const slots = this.slots;
    if (slots.state[slot] === SLOT_STATE.ended) {
      slots.release(slot);
      return;
    }
    const outcome = slots.outcome[slot];
    const pod = slots.pod[slot] ?? 0;
    const connection = slots.connection[slot] ?? 0;
    const startMs = slots.startMs[slot] ?? 0;
    const isCounted = slots.isCounted[slot] === 1;
    const pool = (slots.worker[slot] ?? 0) * this.maxPods + pod;
    slots.release(slot);
    this.pending -= 1;
    if (outcome === OUTCOME.success || outcome === OUTCOME.timeout) {
      decrement(this.podActive, pod);
      decrement(this.poolBusy, pool);
      // The client gave up and closed its connection; the proxy resets the upstream stream and its connection.
      if (outcome === OUTCOME.timeout) decrement(this.poolOpen, pool);
    }
    if (isCounted) this.#countEnd(outcome, pod, startMs, timeMs);
    if (!this.isOpenLoop) this.dispatch(connection, timeMs);
  }

  #countEnd(outcome: number | undefined, pod: number, startMs: number, timeMs: number): void {
    if (outcome === OUTCOME.timeout) {
      this.timeouts += 1;
      if (timeMs > this.lastCountedEndMs) this.lastCountedEndMs = timeMs;
      return;
    }
    if (outcome === OUTCOME.success) {
      increment(this.rqSuccess, pod);
      this.status2xx += 1;
    } else {
      this.non2xx += 1;
    }
    this.recordResponse(startMs, timeMs);
  }

  #arrive(timeMs: number): void {
    const connection = Math.floor(drawUnit(this.arrivalRng) * this.connectionWorker.length);
    this.dispatch(connection, timeMs);
    if (this.isSending) this.queue.push(timeMs + drawExponential(this.arrivalRng, this.meanGapMs), ARRIVAL);
  }

  #refresh(timeMs: number): void {
    refreshHostSet(this, timeMs);
    if (this.isSending || this.pending > 0) this.queue.push(timeMs + this.refreshMs, DNS_REFRESH);
  }

  #applyEvent(index: number, timeMs: number): void {
    const event = this.input.scenario.events[index];
    if (event === undefined) return;
    const detail = applySimEvent(this, event, timeMs);
    this.syncPods();
    this.events.push({ ...event, appliedAtMs: timeMs - this.windowStartMs, detail });
  }
}

/** Adds one to a counter array entry. */
function increment(array: Int32Array | Float64Array, index: number): void {
  array[index] = (array[index] ?? 0) + 1;
}

function decrement(array: Int32Array, index: number): void {
  array[index] = (array[index] ?? 0) - 1;
}
