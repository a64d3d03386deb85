/**
 * Per-host outlier-detection counters in one Int32Array, as Envoy keeps them in each host's
 * DetectorHostMonitorImpl: the consecutive-failure counts (atomics, bumped by every worker thread) and the two
 * success-rate buckets of each success-rate monitor (the workers write the current bucket; the detector's
 * interval tick swaps the buckets and reads the other one). Backed by a SharedArrayBuffer in the proxy, so all
 * workers count into the same cells as Envoy's workers do, and by a plain ArrayBuffer in the simulator.
 */

/** Consecutive-failure counters of a host. */
export type ConsecutiveCounter =
  'consecutive5xx' | 'consecutiveGatewayFailure' | 'consecutiveLocalOriginFailure';

/** Which success-rate monitor: every result (non-split) or external results, and local-origin results. */
export type SuccessRateMonitorType = 'external' | 'local';

const CONSECUTIVE_INDEX: Readonly<Record<ConsecutiveCounter, number>> = {
  consecutive5xx: 0,
  consecutiveGatewayFailure: 1,
  consecutiveLocalOriginFailure: 2,
};
const WRITER_BUCKET = 3;
// Then per monitor (external, local) and bucket (0, 1): total requests, successful requests.
const BUCKET_BASE = 4;
const MONITOR_INDEX: Readonly<Record<SuccessRateMonitorType, number>> = { external: 0, local: 1 };

/** Int32 cells one host takes. */
export const OUTLIER_COUNTERS_PER_HOST = BUCKET_BASE + 8;

/** A host's success rate (percent) over the last full interval and the request volume behind it. */
export interface SuccessRateSample {
  readonly successRate: number;
  readonly volume: number;
}

/** The counters of every host slot; cheap to create around an existing buffer. */
export class OutlierCounters {
  private readonly cells: Int32Array;

  /** Wraps `buffer` (shared or not) holding `OUTLIER_COUNTERS_PER_HOST` cells per slot. */
  constructor(buffer: ArrayBufferLike) {
    this.cells = new Int32Array(buffer);
  }

  /** Allocates zeroed counters for `slots` hosts in a buffer workers can share. */
  static allocateShared(slots: number): SharedArrayBuffer {
    return new SharedArrayBuffer(slots * OUTLIER_COUNTERS_PER_HOST * 4);
  }

  /** Adds one to a consecutive counter and returns the new value (Envoy's `++consecutive_5xx_`). */
  increment(slot: number, counter: ConsecutiveCounter): number {
    return Atomics.add(this.cells, slot * OUTLIER_COUNTERS_PER_HOST + CONSECUTIVE_INDEX[counter], 1) + 1;
  }

  /** Sets a consecutive counter back to 0. */
  reset(slot: number, counter: ConsecutiveCounter): void {
    Atomics.store(this.cells, slot * OUTLIER_COUNTERS_PER_HOST + CONSECUTIVE_INDEX[counter], 0);
  }

  /** Counts one request in the monitor's current bucket, and one success when `isSuccess`. */
  countRequest(slot: number, monitor: SuccessRateMonitorType, isSuccess: boolean): void {
    const base = slot * OUTLIER_COUNTERS_PER_HOST;
    const bucket = Atomics.load(this.cells, base + WRITER_BUCKET);
    const cell = base + BUCKET_BASE + MONITOR_INDEX[monitor] * 4 + bucket * 2;
    Atomics.add(this.cells, cell, 1);
    if (isSuccess) Atomics.add(this.cells, cell + 1, 1);
  }

  /**
   * Envoy's `updateCurrentSuccessRateBucket` for both monitors: the other bucket is cleared and becomes the one
   * written; the bucket written until now becomes the one read by {@link readSuccessRate}.
   */
  swapBuckets(slot: number): void {
    const base = slot * OUTLIER_COUNTERS_PER_HOST;
    const next = 1 - Atomics.load(this.cells, base + WRITER_BUCKET);
    for (const monitor of [0, 1]) {
      const cell = base + BUCKET_BASE + monitor * 4 + next * 2;
      Atomics.store(this.cells, cell, 0);
      Atomics.store(this.cells, cell + 1, 0);
    }
    Atomics.store(this.cells, base + WRITER_BUCKET, next);
  }

  /** The success rate of the bucket not being written (the last interval); undefined with no request. */
  readSuccessRate(slot: number, monitor: SuccessRateMonitorType): SuccessRateSample | undefined {
    const base = slot * OUTLIER_COUNTERS_PER_HOST;
    const readBucket = 1 - Atomics.load(this.cells, base + WRITER_BUCKET);
    const cell = base + BUCKET_BASE + MONITOR_INDEX[monitor] * 4 + readBucket * 2;
    const volume = Atomics.load(this.cells, cell);
    if (volume === 0) return undefined;
    return { successRate: (Atomics.load(this.cells, cell + 1) * 100) / volume, volume };
  }

  /** Zeroes every counter of a slot (a new host got it). */
  clear(slot: number): void {
    const base = slot * OUTLIER_COUNTERS_PER_HOST;
    this.cells.fill(0, base, base + OUTLIER_COUNTERS_PER_HOST);
  }
}
