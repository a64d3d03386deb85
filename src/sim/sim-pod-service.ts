import type { Rng } from 'lbbench-proxy';
import type { PodBehavior, PodFault } from '../scenario/types.js';
import { sampleLatencyMs } from '../stats/latency-sampler.js';
import { createModelRng, drawExponential, drawUnit, FIRST_POD_STREAM } from './sim-seeds.js';

/** What a pod does with a request that reaches it, decided on arrival (as the built-in pod server does). */
export const ARRIVAL_DECISION = {
  /** It waits for a capacity slot, then is answered 200 after its service time. */
  serve: 0,
  /** An immediate 503: the pod fails (`fail` event), or the error-rate draw said so. */
  error: 1,
  /** Never answered (`hang` event): the client or the proxy's route timeout ends it. */
  hang: 2,
} as const;

/** A queue drops the entries it already handed out once they are this many and at least half of it. */
const COMPACT_AT = 1024;
const FAULT_CODE: Readonly<Record<PodFault, number>> = { none: 0, fail: 1, hang: 2 };

/** What the pod model needs: the base service time of every answer, and the run's seed for each pod's draws. */
export interface SimPodServiceOptions {
  readonly maxPods: number;
  readonly runSeed: number;
  readonly isExponentialBase: boolean;
  readonly baseServiceMs: number;
  readonly serviceRng: Rng;
}

/**
 * The pods' side of the model, per pod id: each pod's behaviour (capacity, latency distribution, error rate, added
 * delay), its fault, the requests it is serving and its FIFO of requests waiting for a slot (slot indexes of
 * `RequestSlots`). A service time is the simulator's base time (the network and server overhead, `sim.serviceTime`)
 * plus a `latency` sample plus the delay; each pod draws from its own seeded stream.
 */
export class SimPodService {
  readonly #options: SimPodServiceOptions;
  readonly #behaviors: (PodBehavior | undefined)[] = [];
  readonly #units: (() => number)[] = [];
  readonly #fault: Uint8Array;
  readonly #serving: Int32Array;
  readonly #queues: number[][] = [];
  readonly #heads: number[] = [];

  constructor(options: SimPodServiceOptions) {
    this.#options = options;
    this.#fault = new Uint8Array(options.maxPods);
    this.#serving = new Int32Array(options.maxPods);
  }

  /** Sets pod `id`'s behaviour (the first time: it was just created, and its random stream starts). */
  setBehavior(id: number, behavior: PodBehavior): void {
    if (this.#units[id] === undefined) {
      const rng = createModelRng(this.#options.runSeed, FIRST_POD_STREAM + id);
      this.#units[id] = () => drawUnit(rng);
      this.#queues[id] = [];
      this.#heads[id] = 0;
    }
    this.#behaviors[id] = behavior;
  }

  setFault(id: number, fault: PodFault): void {
    this.#fault[id] = FAULT_CODE[fault];
  }

  /** One of {@link ARRIVAL_DECISION} for a request reaching pod `id` now. */
  decideArrival(id: number): number {
    const fault = this.#fault[id] ?? 0;
    if (fault === FAULT_CODE.hang) return ARRIVAL_DECISION.hang;
    if (fault === FAULT_CODE.fail) return ARRIVAL_DECISION.error;
    const errorRate = this.#behaviors[id]?.errorRate ?? 0;
    return errorRate > 0 && this.#unit(id) < errorRate ? ARRIVAL_DECISION.error : ARRIVAL_DECISION.serve;
  }

  /** The base service time alone: how long a pod takes to send back an immediate 503. */
  drawBaseMs(): number {
    const { isExponentialBase, baseServiceMs, serviceRng } = this.#options;
    return isExponentialBase ? drawExponential(serviceRng, baseServiceMs) : baseServiceMs;
  }

  /** A full service time of pod `id`: base + latency sample + delay. */
  drawServiceMs(id: number): number {
    const behavior = this.#behaviors[id];
    const latencyMs =
      behavior?.latency === undefined ? 0 : sampleLatencyMs(behavior.latency, () => this.#unit(id));
    return this.drawBaseMs() + latencyMs + (behavior?.delayMs ?? 0);
  }

  /** Takes a capacity slot of pod `id` if one is free; false when the request must wait. */
  tryStart(id: number): boolean {
    const capacity = this.#behaviors[id]?.capacity ?? Infinity;
    if ((this.#serving[id] ?? 0) >= capacity) return false;
    this.#serving[id] = (this.#serving[id] ?? 0) + 1;
    return true;
  }

  /** Puts request `slot` at the end of pod `id`'s queue. */
  enqueue(id: number, slot: number): void {
    this.#queues[id]?.push(slot);
  }

  /** Frees a capacity slot of pod `id`. */
  finish(id: number): void {
    this.#serving[id] = (this.#serving[id] ?? 1) - 1;
  }

  /** The next waiting request of pod `id` (leaving the queue), or -1 when none waits. */
  dequeue(id: number): number {
    const queue = this.#queues[id];
    const head = this.#heads[id] ?? 0;
    if (queue === undefined || head >= queue.length) return -1;
    const slot = queue[head] ?? -1;
    if (head + 1 === queue.length) {
      queue.length = 0;
      this.#heads[id] = 0;
    } else if (head >= COMPACT_AT && head * 2 >= queue.length) {
      queue.splice(0, head + 1);
      this.#heads[id] = 0;
    } else {
      this.#heads[id] = head + 1;
    }
    return slot;
  }

  /** Empties pod `id` (it died): no request is served any more, and the waiting ones are returned. */
  drain(id: number): number[] {
    const waiting = (this.#queues[id] ?? []).slice(this.#heads[id] ?? 0);
    this.#queues[id] = [];
    this.#heads[id] = 0;
    this.#serving[id] = 0;
    return waiting;
  }

  #unit(id: number): number {
    return this.#units[id]?.() ?? 0;
  }
}
