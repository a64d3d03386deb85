import type { AppliedEvent } from '../results/types.js';
import { LatencyHistogram } from '../stats/histogram.js';
import { increment } from './counter-arrays.js';
import type { SimFleet } from './sim-fleet.js';
import type { HostSetChange, SimOutcome } from './sim-types.js';

/** Width of a client tick, and of a timeline interval in a run without events (live samples /clusters every 1 s). */
export const BUCKET_MS = 1000;
/** Width of a timeline interval in a run with events: live samples /clusters every 250 ms then. */
export const EVENT_BUCKET_MS = 250;

/** What a finished run adds to its tally to make a {@link SimOutcome}. */
export interface SimOutcomeParts {
  readonly fleet: SimFleet;
  readonly hostSets: readonly HostSetChange[];
  /** `load.durationMs`, or undefined when the run is bound by requests and lasts until its last counted one. */
  readonly fixedDurationMs: number | undefined;
  readonly workersWithConnections: number;
}

/**
 * What one simulated run counts over its measured window: Envoy's per-host counters, the per-second timeline, the
 * client's totals and latencies, the pods that were Ready, and the events applied.
 */
export class SimTally {
  readonly #windowStartMs: number;
  readonly #maxPods: number;
  readonly #rqTotal: Float64Array;
  readonly #rqSuccess: Float64Array;
  readonly #rqError: Float64Array;
  readonly #rqTimeout: Float64Array;
  readonly #cxTotal: Float64Array;
  readonly #cxConnectFail: Float64Array;
  readonly #firstDispatchMs: Float64Array;
  readonly #bucketMs: number;
  readonly #buckets: Int32Array[] = [];
  /** Counted requests that ended, and failed ones, per one-second client tick of the window. */
  readonly #clientTicks: { readonly responses: number[]; readonly errors: number[] } = {
    responses: [],
    errors: [],
  };
  readonly #histogram = new LatencyHistogram();
  readonly #readyDuringWindow = new Set<number>();
  readonly #events: AppliedEvent[] = [];
  #requestsSent = 0;
  #status2xx = 0;
  #non2xx = 0;
  #timeouts = 0;
  #lastCountedEndMs = 0;

  constructor(maxPods: number, windowStartMs: number, bucketMs: number) {
    this.#maxPods = maxPods;
    this.#windowStartMs = windowStartMs;
    this.#bucketMs = bucketMs;
    this.#rqTotal = new Float64Array(maxPods);
    this.#rqSuccess = new Float64Array(maxPods);
    this.#rqError = new Float64Array(maxPods);
    this.#rqTimeout = new Float64Array(maxPods);
    this.#cxTotal = new Float64Array(maxPods);
    this.#cxConnectFail = new Float64Array(maxPods);
    this.#firstDispatchMs = new Float64Array(maxPods).fill(Number.NaN);
  }

  /** Counts a request sent in the window; returns how many were sent so far. */
  countSent(): number {
    this.#requestsSent += 1;
    return this.#requestsSent;
  }

  /** A request the proxy sent to a dead pod: refused, a 503 (`rq_error`, `cx_connect_fail`). */
  countConnectFailure(pod: number): void {
    increment(this.#rqError, pod);
    increment(this.#cxConnectFail, pod);
  }

  /** A request that reached `pod` at `timeMs` (`rq_total`, the timeline), over a new connection or not. */
  countUpstreamRequest(pod: number, timeMs: number, isNewConnection: boolean): void {
    if (isNewConnection) increment(this.#cxTotal, pod);
    increment(this.#rqTotal, pod);
    const sinceStartMs = timeMs - this.#windowStartMs;
    const bucket = Math.floor(sinceStartMs / this.#bucketMs);
    while (this.#buckets.length <= bucket) this.#buckets.push(new Int32Array(this.#maxPods));
    const counts = this.#buckets[bucket];
    if (counts !== undefined) increment(counts, pod);
    if (Number.isNaN(this.#firstDispatchMs[pod])) this.#firstDispatchMs[pod] = sinceStartMs;
  }

  /** A request the client gave up on at `timeMs`. */
  countTimeout(timeMs: number): void {
    this.#timeouts += 1;
    this.#countClientEnd(timeMs, true);
    if (timeMs > this.#lastCountedEndMs) this.#lastCountedEndMs = timeMs;
  }

  /**
   * How an attempt on `pod` ended, in the pod's counters: `success` (`rq_success`), `error` (`rq_error`: a 503, or
   * a reset), `timeout` (the route or per-try timeout: `rq_timeout` and `rq_error`). A request counts each attempt.
   */
  countAttemptEnd(pod: number, result: 'success' | 'error' | 'timeout'): void {
    if (result === 'success') {
      increment(this.#rqSuccess, pod);
      return;
    }
    increment(this.#rqError, pod);
    if (result === 'timeout') increment(this.#rqTimeout, pod);
  }

  /** The response the client got at `timeMs` for a request sent at `startMs`: a 2xx or not (once per request). */
  countClientResponse(isSuccess: boolean, startMs: number, timeMs: number): void {
    if (isSuccess) this.#status2xx += 1;
    else this.#non2xx += 1;
    this.#countClientEnd(timeMs, !isSuccess);
    this.#recordLatency(startMs, timeMs);
  }

  /** Notes the pods Ready now. */
  noteReady(podIds: readonly number[]): void {
    for (const id of podIds) this.#readyDuringWindow.add(id);
  }

  /** Logs an applied scenario event. */
  logEvent(event: AppliedEvent): void {
    this.#events.push(event);
  }

  /** Copies what the run observed out of the typed arrays into plain data. */
  buildOutcome(parts: SimOutcomeParts): Omit<SimOutcome, 'healthEvents'> {
    const { fleet } = parts;
    const podCount = fleet.pods.length;
    const take = (array: Float64Array): number[] => Array.from(array.subarray(0, podCount));
    return {
      pods: fleet.pods.map(({ id, name, address }) => ({ id, name, address })),
      counters: {
        rqTotal: take(this.#rqTotal),
        rqSuccess: take(this.#rqSuccess),
        rqError: take(this.#rqError),
        rqTimeout: take(this.#rqTimeout),
        cxTotal: take(this.#cxTotal),
        cxConnectFail: take(this.#cxConnectFail),
      },
      firstDispatchMs: take(this.#firstDispatchMs).map((value) => (Number.isNaN(value) ? undefined : value)),
      buckets: this.#buckets.map((counts) => Array.from(counts.subarray(0, podCount))),
      bucketMs: this.#bucketMs,
      clientTicks: { responses: [...this.#clientTicks.responses], errors: [...this.#clientTicks.errors] },
      hostSets: parts.hostSets,
      readyDuringWindow: [...this.#readyDuringWindow].sort((a, b) => a - b),
      requestsSent: this.#requestsSent,
      status2xx: this.#status2xx,
      non2xx: this.#non2xx,
      timeouts: this.#timeouts,
      latency: this.#histogram,
      durationMs: parts.fixedDurationMs ?? Math.max(0, this.#lastCountedEndMs - this.#windowStartMs),
      events: this.#events,
      workersWithConnections: parts.workersWithConnections,
    };
  }

  /** Counts a counted request's end in the client's one-second tick; `isError` for a non-2xx answer or a timeout. */
  #countClientEnd(timeMs: number, isError: boolean): void {
    const tick = Math.max(0, Math.floor((timeMs - this.#windowStartMs) / BUCKET_MS));
    const { responses, errors } = this.#clientTicks;
    while (responses.length <= tick) {
      responses.push(0);
      errors.push(0);
    }
    responses[tick] = (responses[tick] ?? 0) + 1;
    if (isError) errors[tick] = (errors[tick] ?? 0) + 1;
  }

  #recordLatency(startMs: number, timeMs: number): void {
    this.#histogram.record((timeMs - startMs) * 1000);
    if (timeMs > this.#lastCountedEndMs) this.#lastCountedEndMs = timeMs;
  }
}
