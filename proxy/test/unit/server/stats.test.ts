import { describe, expect, it } from 'vitest';
import {
  allocateStatsBuffers,
  openStatsReader,
  openWorkerStats,
  recordLatency,
} from '../../../src/stats/shared-stats.js';
import {
  createStatsLayout,
  getLatencyBucket,
  LATENCY_BUCKET_BOUNDS_MS,
} from '../../../src/stats/stats-layout.js';

describe('statistics in shared memory', () => {
  const layout = createStatsLayout({ hostSlots: 4, clusters: 2, listeners: 1 });

  it('gives every counter and gauge its own position', () => {
    const counters = new Set<number>();
    for (let slot = 0; slot < 4; slot++)
      for (let c = 0; c < 6; c++) counters.add(layout.hostCounter(slot, c));
    for (let cluster = 0; cluster < 2; cluster++) {
      for (let c = 0; c < layout.clusterHistogram(0) - layout.clusterCounter(0, 0); c++)
        counters.add(layout.clusterCounter(cluster, c));
    }
    expect(counters.size).toBe(4 * 6 + 2 * (layout.clusterHistogram(0) - layout.clusterCounter(0, 0)));
    expect(Math.max(...counters)).toBeLessThan(layout.counterLength);
    expect(layout.hcmGauge(0, 1)).toBe(layout.gaugeLength - 1);
  });

  it('sums counters over workers and shares gauges', () => {
    const buffers = allocateStatsBuffers(layout, 2);
    const workers = [openWorkerStats(layout, buffers, 0), openWorkerStats(layout, buffers, 1)];
    workers[0]!.counters[layout.hostCounter(2, 5)] = 3;
    workers[1]!.counters[layout.hostCounter(2, 5)] = 4;
    Atomics.add(workers[0]!.gauges, layout.hostGauge(2, 1), 2);
    Atomics.sub(workers[1]!.gauges, layout.hostGauge(2, 1), 1);
    const reader = openStatsReader(buffers);
    expect(reader.counter(layout.hostCounter(2, 5))).toBe(7);
    expect(reader.gauge(layout.hostGauge(2, 1))).toBe(1);
  });

  it('records latency into buckets with count and sum', () => {
    const buffers = allocateStatsBuffers(layout, 1);
    const worker = openWorkerStats(layout, buffers, 0);
    recordLatency(worker.counters, layout.clusterHistogram(1), 0.2);
    recordLatency(worker.counters, layout.clusterHistogram(1), 7);
    const histogram = openStatsReader(buffers).histogram(layout.clusterHistogram(1));
    expect(histogram.count).toBe(2);
    expect(histogram.sumMs).toBeCloseTo(7.2);
    expect(histogram.buckets[0]).toBe(1);
    expect(histogram.buckets[getLatencyBucket(7)]).toBe(1);
  });

  it.each([
    [0, 0],
    [0.5, 0],
    [0.6, 1],
    [1e9, LATENCY_BUCKET_BOUNDS_MS.length],
  ])('puts %f ms in bucket %i', (latencyMs, bucket) => {
    expect(getLatencyBucket(latencyMs)).toBe(bucket);
  });
});
