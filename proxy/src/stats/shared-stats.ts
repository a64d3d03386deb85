import { OutlierCounters } from '../health/outlier-counters.js';
import type { StatsLayout } from './stats-layout.js';
import { getLatencyBucket, HISTOGRAM_SLOTS, LATENCY_BUCKET_BOUNDS_MS } from './stats-layout.js';

/**
 * The shared memory behind the statistics: one counter array per worker, one gauge array for all, and the
 * per-host outlier-detection counters (see OutlierCounters) that all workers update.
 */
export interface StatsBuffers {
  readonly counters: readonly SharedArrayBuffer[];
  readonly gauges: SharedArrayBuffer;
  readonly outlier: SharedArrayBuffer;
}

/** Allocates zeroed statistics memory for `workers` workers. */
export function allocateStatsBuffers(layout: StatsLayout, workers: number): StatsBuffers {
  return {
    counters: Array.from({ length: workers }, () => new SharedArrayBuffer(layout.counterLength * 8)),
    gauges: new SharedArrayBuffer(layout.gaugeLength * 4),
    outlier: OutlierCounters.allocateShared(layout.dimensions.hostSlots),
  };
}

/**
 * A worker's handle on the statistics: plain writes to its own counters (no other thread writes them) and
 * atomic updates of the shared gauges.
 */
export interface WorkerStats {
  readonly layout: StatsLayout;
  readonly counters: Float64Array;
  readonly gauges: Int32Array;
}

/** Wraps the buffers of worker `index`. */
export function openWorkerStats(layout: StatsLayout, buffers: StatsBuffers, index: number): WorkerStats {
  const counters = buffers.counters[index];
  if (counters === undefined) throw new RangeError(`no statistics buffer for worker ${index}`);
  return { layout, counters: new Float64Array(counters), gauges: new Int32Array(buffers.gauges) };
}

/** Adds a latency sample (ms) to the histogram that starts at `offset` in a counter array. */
export function recordLatency(counters: Float64Array, offset: number, latencyMs: number): void {
  const bucket = getLatencyBucket(latencyMs);
  counters[offset + bucket] = (counters[offset + bucket] ?? 0) + 1;
  const countIndex = offset + LATENCY_BUCKET_BOUNDS_MS.length + 1;
  counters[countIndex] = (counters[countIndex] ?? 0) + 1;
  counters[countIndex + 1] = (counters[countIndex + 1] ?? 0) + latencyMs;
}

/** The admin thread's view: sums of every worker's counters and the shared gauges. */
export interface StatsReader {
  /** Sum over workers of the counter at `index`. */
  counter(index: number): number;
  gauge(index: number): number;
  /** Bucket counts, sample count and sum of the histogram at `offset`, summed over workers. */
  histogram(offset: number): {
    readonly buckets: readonly number[];
    readonly count: number;
    readonly sumMs: number;
  };
}

/** Opens the statistics for reading from the main thread. */
export function openStatsReader(buffers: StatsBuffers): StatsReader {
  const perWorker = buffers.counters.map((buffer) => new Float64Array(buffer));
  const gauges = new Int32Array(buffers.gauges);
  const counter = (index: number): number => {
    let sum = 0;
    for (const counters of perWorker) sum += counters[index] ?? 0;
    return sum;
  };
  return {
    counter,
    gauge: (index) => Atomics.load(gauges, index),
    histogram: (offset) => {
      const buckets = Array.from({ length: HISTOGRAM_SLOTS - 2 }, (_, bucket) => counter(offset + bucket));
      return {
        buckets,
        count: counter(offset + HISTOGRAM_SLOTS - 2),
        sumMs: counter(offset + HISTOGRAM_SLOTS - 1),
      };
    },
  };
}
