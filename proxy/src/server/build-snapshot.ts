import type {
  AdminSnapshot,
  ClusterSnapshot,
  HistogramSnapshot,
  HostStatValues,
  ServerState,
} from '../admin/snapshot.js';
import type { StatsReader } from '../stats/shared-stats.js';
import type { StatsLayout } from '../stats/stats-layout.js';
import {
  CLUSTER_COUNTERS,
  CLUSTER_GAUGES,
  HCM_COUNTERS,
  HCM_GAUGES,
  HOST_COUNTERS,
  HOST_GAUGES,
  LATENCY_BUCKET_BOUNDS_MS,
} from '../stats/stats-layout.js';
import type { ProxyConfig } from '../types.js';
import { OUTLIER_DETECTION_COUNTERS } from '../health/outlier-detector.js';
import type { ClusterHosts } from './cluster-hosts.js';
import { listHealthFlags } from '../health/host-health.js';
import type { ClusterHealth } from './cluster-health.js';

/** Envoy's supported histogram quantiles, in percent. */
const QUANTILES = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100];

/** The main thread's state that a snapshot is read from. */
export interface SnapshotSources {
  readonly config: ProxyConfig;
  /** Each cluster's outlier detection and health checking, when configured. */
  readonly health: readonly (ClusterHealth | undefined)[];
  readonly version: string;
  readonly state: ServerState;
  readonly uptimeSeconds: number;
  readonly commandLine: AdminSnapshot['commandLine'];
  readonly layout: StatsLayout;
  readonly reader: StatsReader;
  readonly clusterHosts: readonly ClusterHosts[];
  /** Counters kept on the main thread (DNS updates, membership changes…). */
  readonly mainCounters: ReadonlyMap<string, number>;
  readonly mainGauges: ReadonlyMap<string, number>;
  /** Counter values at the last `POST /reset_counters`, subtracted from what is shown. */
  readonly counterBaseline: ReadonlyMap<string, number>;
  readonly listenerAddresses: AdminSnapshot['listenerAddresses'];
}

/** Reads per-host counters of a slot (summed over workers) in HOST_COUNTERS order. */
export function readHostCounters(layout: StatsLayout, reader: StatsReader, slot: number): number[] {
  return HOST_COUNTERS.map((_, index) => reader.counter(layout.hostCounter(slot, index)));
}

function readHostStats(sources: SnapshotSources, slot: number, base: readonly number[]): HostStatValues {
  const { layout, reader } = sources;
  const counters = readHostCounters(layout, reader, slot);
  const value = (name: (typeof HOST_COUNTERS)[number]): number => {
    const index = HOST_COUNTERS.indexOf(name);
    return (counters[index] ?? 0) - (base[index] ?? 0);
  };
  const gauge = (name: (typeof HOST_GAUGES)[number]): number =>
    Math.max(0, reader.gauge(layout.hostGauge(slot, HOST_GAUGES.indexOf(name))));
  return {
    cx_active: gauge('cx_active'),
    cx_connect_fail: value('cx_connect_fail'),
    cx_total: value('cx_total'),
    rq_active: gauge('rq_active'),
    rq_error: value('rq_error'),
    rq_success: value('rq_success'),
    rq_timeout: value('rq_timeout'),
    rq_total: value('rq_total'),
  };
}

function buildClusters(sources: SnapshotSources): ClusterSnapshot[] {
  return sources.config.clusters.map((cluster, index) => {
    const clusterHealth = sources.health[index];
    const detector = clusterHealth?.detector;
    const external = detector?.successRateFigures('external');
    const local = detector?.successRateFigures('local');
    return {
      name: cluster.name,
      addedViaApi: false,
      circuitBreakers: cluster.circuitBreakers,
      hosts: (sources.clusterHosts[index]?.hosts ?? []).map((host) => ({
        ip: host.ip,
        port: host.port,
        hostname: host.hostname,
        weight: host.weight,
        priority: 0,
        healthFlags: listHealthFlags(clusterHealth?.flagsOf(host.slot) ?? 0),
        stats: readHostStats(sources, host.slot, host.counterBase),
        successRate: detector?.successRate(host.slot, 'external') ?? -1,
        localOriginSuccessRate: detector?.successRate(host.slot, 'local') ?? -1,
      })),
      ...(external === undefined || local === undefined
        ? {}
        : {
            outlier: {
              successRateAverage: external.average,
              successRateEjectionThreshold: external.ejectionThreshold,
              localOriginSuccessRateAverage: local.average,
              localOriginSuccessRateEjectionThreshold: local.ejectionThreshold,
            },
          }),
    };
  });
}

function summarizeHistogram(
  name: string,
  buckets: readonly number[],
  count: number,
  sumMs: number,
): HistogramSnapshot {
  if (count === 0) return { name, cumulative: undefined, sampleCount: 0, sampleSum: 0 };
  const cumulative = QUANTILES.map((quantile) => {
    const rank = (quantile / 100) * count;
    let seen = 0;
    for (let bucket = 0; bucket < buckets.length; bucket++) {
      const inBucket = buckets[bucket] ?? 0;
      if (inBucket > 0 && seen + inBucket >= rank) {
        // Linear interpolation inside the bucket, as Envoy's circllhist-based quantiles approximate.
        const low = bucket === 0 ? 0 : (LATENCY_BUCKET_BOUNDS_MS[bucket - 1] ?? 0);
        const high = LATENCY_BUCKET_BOUNDS_MS[bucket] ?? low * 2;
        return low + ((high - low) * Math.max(0, rank - seen)) / inBucket;
      }
      seen += inBucket;
    }
    return LATENCY_BUCKET_BOUNDS_MS.at(-1) ?? 0;
  });
  return { name, cumulative, sampleCount: count, sampleSum: sumMs };
}

/** Every stats-store counter with its current value, before the reset baseline is applied. */
export function readStoreCounters(sources: Omit<SnapshotSources, 'counterBaseline'>): Map<string, number> {
  const { config, layout, reader } = sources;
  const counters = new Map(sources.mainCounters);
  config.clusters.forEach((cluster, index) => {
    CLUSTER_COUNTERS.forEach((name, counter) => {
      counters.set(`cluster.${cluster.name}.${name}`, reader.counter(layout.clusterCounter(index, counter)));
    });
  });
  sources.health.forEach((clusterHealth, index) => {
    const name = config.clusters[index]?.name;
    const detector = clusterHealth?.detector;
    if (detector === undefined || name === undefined) return;
    for (const counter of OUTLIER_DETECTION_COUNTERS)
      counters.set(`cluster.${name}.outlier_detection.${counter}`, detector.counters[counter]);
  });
  config.listeners.forEach((listener, index) => {
    HCM_COUNTERS.forEach((name, counter) => {
      const key = `http.${listener.statPrefix}.${name}`;
      counters.set(key, (counters.get(key) ?? 0) + reader.counter(layout.hcmCounter(index, counter)));
    });
  });
  return counters;
}

function readGauges(sources: SnapshotSources): Map<string, number> {
  const { config, layout, reader } = sources;
  const gauges = new Map(sources.mainGauges);
  config.clusters.forEach((cluster, index) => {
    CLUSTER_GAUGES.forEach((name, gauge) => {
      gauges.set(
        `cluster.${cluster.name}.${name}`,
        Math.max(0, reader.gauge(layout.clusterGauge(index, gauge))),
      );
    });
  });
  sources.health.forEach((clusterHealth, index) => {
    const name = config.clusters[index]?.name;
    const detector = clusterHealth?.detector;
    if (detector !== undefined && name !== undefined)
      gauges.set(`cluster.${name}.outlier_detection.ejections_active`, detector.activeEjections);
  });
  config.listeners.forEach((listener, index) => {
    HCM_GAUGES.forEach((name, gauge) => {
      const key = `http.${listener.statPrefix}.${name}`;
      gauges.set(key, (gauges.get(key) ?? 0) + Math.max(0, reader.gauge(layout.hcmGauge(index, gauge))));
    });
  });
  return gauges;
}

function readHistograms(sources: SnapshotSources): HistogramSnapshot[] {
  const { config, layout, reader } = sources;
  return [
    ...config.clusters.map((cluster, index) => {
      const { buckets, count, sumMs } = reader.histogram(layout.clusterHistogram(index));
      return summarizeHistogram(`cluster.${cluster.name}.upstream_rq_time`, buckets, count, sumMs);
    }),
    ...config.listeners.map((listener, index) => {
      const { buckets, count, sumMs } = reader.histogram(layout.hcmHistogram(index));
      return summarizeHistogram(`http.${listener.statPrefix}.downstream_rq_time`, buckets, count, sumMs);
    }),
  ];
}

/** Reads everything the admin endpoint shows at this instant. */
export function buildSnapshot(sources: SnapshotSources): AdminSnapshot {
  const counters = readStoreCounters(sources);
  for (const [name, base] of sources.counterBaseline) counters.set(name, (counters.get(name) ?? 0) - base);
  return {
    version: sources.version,
    state: sources.state,
    uptimeSeconds: sources.uptimeSeconds,
    commandLine: sources.commandLine,
    clusters: buildClusters(sources),
    counters,
    gauges: readGauges(sources),
    histograms: readHistograms(sources),
    listenerAddresses: sources.listenerAddresses,
    config: sources.config,
  };
}
