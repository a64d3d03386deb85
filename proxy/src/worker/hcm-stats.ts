import type { WorkerStats } from '../stats/shared-stats.js';
import { recordLatency } from '../stats/shared-stats.js';
import { HCM_COUNTERS, HCM_GAUGES } from '../stats/stats-layout.js';
import type { HcmCounter } from '../stats/stats-layout.js';

/** Statistics of one listener's HTTP connection manager (`http.<stat_prefix>.*`) as one worker updates them. */
export interface HcmStats {
  onConnectionOpen(): void;
  onConnectionClose(): void;
  onRequestStart(): void;
  /** A response was sent (or the stream reset, status 0) after `durationMs`. */
  onRequestEnd(status: number, durationMs: number): void;
  add(counter: HcmCounter): void;
}

const STATUS_CLASS_COUNTERS: readonly HcmCounter[] = [
  'downstream_rq_1xx',
  'downstream_rq_1xx',
  'downstream_rq_2xx',
  'downstream_rq_3xx',
  'downstream_rq_4xx',
  'downstream_rq_5xx',
];

/** Creates the HCM statistics of listener `listener` for one worker. */
export function createHcmStats(stats: WorkerStats, listener: number): HcmStats {
  const { layout, counters, gauges } = stats;
  const counter = (name: HcmCounter): number => layout.hcmCounter(listener, HCM_COUNTERS.indexOf(name));
  const cxActive = layout.hcmGauge(listener, HCM_GAUGES.indexOf('downstream_cx_active'));
  const rqActive = layout.hcmGauge(listener, HCM_GAUGES.indexOf('downstream_rq_active'));
  const histogram = layout.hcmHistogram(listener);
  const indexes = new Map(HCM_COUNTERS.map((name) => [name, counter(name)]));
  const add = (name: HcmCounter): void => {
    const index = indexes.get(name) ?? 0;
    counters[index] = (counters[index] ?? 0) + 1;
  };
  return {
    onConnectionOpen() {
      add('downstream_cx_total');
      Atomics.add(gauges, cxActive, 1);
    },
    onConnectionClose() {
      add('downstream_cx_destroy');
      Atomics.sub(gauges, cxActive, 1);
    },
    onRequestStart() {
      add('downstream_rq_total');
      add('downstream_rq_http1_total');
      Atomics.add(gauges, rqActive, 1);
    },
    onRequestEnd(status, durationMs) {
      Atomics.sub(gauges, rqActive, 1);
      if (status === 0) return;
      add('downstream_rq_completed');
      add(STATUS_CLASS_COUNTERS[Math.floor(status / 100)] ?? 'downstream_rq_5xx');
      recordLatency(counters, histogram, durationMs);
    },
    add,
  };
}
