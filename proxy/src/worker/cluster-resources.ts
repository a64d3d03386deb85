import type { WorkerStats } from '../stats/shared-stats.js';
import { recordLatency } from '../stats/shared-stats.js';
import { CLUSTER_COUNTERS, CLUSTER_GAUGES, HOST_COUNTERS, HOST_GAUGES } from '../stats/stats-layout.js';
import type { ClusterCounter } from '../stats/stats-layout.js';
import type { CircuitBreakerThresholds } from '../types.js';

/** Statistics updates of a cluster's connection pools, per host slot. */
export interface PoolStats {
  onConnecting(slot: number): void;
  onConnectFailed(slot: number, isTimeout: boolean): void;
  onDisconnected(slot: number): void;
  /** A request was attached to a connection: Envoy counts `rq_total` and `rq_active` here. */
  onStreamStart(slot: number): void;
  onStreamEnd(slot: number): void;
  /** A pending request's connection failed: Envoy charges `rq_error` without `rq_total`. */
  onRequestFailedToConnect(slot: number): void;
}

/**
 * A cluster's circuit breakers (DEFAULT priority) and pool statistics as one worker sees them. The resource
 * gauges live in shared memory, so every worker checks the same totals, as Envoy's resource manager does.
 */
export interface ClusterResources {
  readonly stats: PoolStats;
  canCreateRequest(): boolean;
  tryAddPending(): boolean;
  removePending(): void;
  canCreateConnection(): boolean;
  tryStartRetry(): boolean;
  endRetry(): void;
  addCounter(counter: ClusterCounter, amount?: number): void;
  addHostCounter(slot: number, counter: (typeof HOST_COUNTERS)[number]): void;
  /** Records an upstream request's duration in `upstream_rq_time`. */
  recordRequestTime(durationMs: number): void;
  /** Requests in flight on a host over all workers (`rq_active`), read by LEAST_REQUEST. */
  getActiveRequests(slot: number): number;
}

const counterIndex = (name: string, names: readonly string[]): number => names.indexOf(name);
const HOST_COUNTER_INDEX = Object.fromEntries(HOST_COUNTERS.map((name, index) => [name, index])) as Readonly<
  Record<(typeof HOST_COUNTERS)[number], number>
>;
const HOST_GAUGE_INDEX = Object.fromEntries(HOST_GAUGES.map((name, index) => [name, index])) as Readonly<
  Record<(typeof HOST_GAUGES)[number], number>
>;

/** Creates the resources of cluster `cluster` for one worker. */
export function createClusterResources(
  stats: WorkerStats,
  cluster: number,
  thresholds: CircuitBreakerThresholds,
): ClusterResources {
  const { layout, counters, gauges } = stats;
  const gauge = (name: (typeof CLUSTER_GAUGES)[number]): number =>
    layout.clusterGauge(cluster, counterIndex(name, CLUSTER_GAUGES));
  const rqActive = gauge('upstream_rq_active');
  const pendingActive = gauge('upstream_rq_pending_active');
  const cxActive = gauge('upstream_cx_active');
  const retryActive = gauge('upstream_rq_retry_active');
  const clusterCounter = (name: ClusterCounter): number =>
    layout.clusterCounter(cluster, counterIndex(name, CLUSTER_COUNTERS));
  const add = (index: number, amount = 1): void => {
    counters[index] = (counters[index] ?? 0) + amount;
  };
  const hostCounter = (slot: number, name: (typeof HOST_COUNTERS)[number]): number =>
    layout.hostCounter(slot, HOST_COUNTER_INDEX[name]);
  const hostGauge = (slot: number, name: (typeof HOST_GAUGES)[number]): number =>
    layout.hostGauge(slot, HOST_GAUGE_INDEX[name]);
  const upstreamCxTotal = clusterCounter('upstream_cx_total');
  const upstreamRqTotal = clusterCounter('upstream_rq_total');
  const poolStats: PoolStats = {
    onConnecting(slot) {
      add(hostCounter(slot, 'cx_total'));
      Atomics.add(gauges, hostGauge(slot, 'cx_active'), 1);
      add(upstreamCxTotal);
      Atomics.add(gauges, cxActive, 1);
    },
    onConnectFailed(slot, isTimeout) {
      add(hostCounter(slot, 'cx_connect_fail'));
      Atomics.sub(gauges, hostGauge(slot, 'cx_active'), 1);
      add(clusterCounter('upstream_cx_connect_fail'));
      if (isTimeout) add(clusterCounter('upstream_cx_connect_timeout'));
      Atomics.sub(gauges, cxActive, 1);
    },
    onDisconnected(slot) {
      Atomics.sub(gauges, hostGauge(slot, 'cx_active'), 1);
      add(clusterCounter('upstream_cx_destroy'));
      Atomics.sub(gauges, cxActive, 1);
    },
    onStreamStart(slot) {
      add(hostCounter(slot, 'rq_total'));
      Atomics.add(gauges, hostGauge(slot, 'rq_active'), 1);
      add(upstreamRqTotal);
      Atomics.add(gauges, rqActive, 1);
    },
    onStreamEnd(slot) {
      Atomics.sub(gauges, hostGauge(slot, 'rq_active'), 1);
      Atomics.sub(gauges, rqActive, 1);
    },
    onRequestFailedToConnect(slot) {
      add(hostCounter(slot, 'rq_error'));
    },
  };
  return {
    stats: poolStats,
    canCreateRequest: () => Atomics.load(gauges, rqActive) < thresholds.maxRequests,
    tryAddPending() {
      if (Atomics.load(gauges, pendingActive) >= thresholds.maxPendingRequests) return false;
      Atomics.add(gauges, pendingActive, 1);
      add(clusterCounter('upstream_rq_pending_total'));
      return true;
    },
    removePending: () => {
      Atomics.sub(gauges, pendingActive, 1);
    },
    canCreateConnection: () => Atomics.load(gauges, cxActive) < thresholds.maxConnections,
    tryStartRetry() {
      if (Atomics.load(gauges, retryActive) >= thresholds.maxRetries) return false;
      Atomics.add(gauges, retryActive, 1);
      return true;
    },
    endRetry: () => {
      Atomics.sub(gauges, retryActive, 1);
    },
    addCounter: (name, amount = 1) => {
      add(clusterCounter(name), amount);
    },
    addHostCounter: (slot, name) => {
      add(hostCounter(slot, name));
    },
    recordRequestTime: (durationMs) => {
      recordLatency(counters, layout.clusterHistogram(cluster), durationMs);
    },
    getActiveRequests: (slot) => Atomics.load(gauges, hostGauge(slot, 'rq_active')),
  };
}
