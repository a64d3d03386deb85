import type { HostDelta, HostRecord, TimelinePoint } from '../results/types.js';
import type { ClustersSnapshot, HostCounters } from './types.js';

/** The counters that get a delta, in {@link HostDelta} order. */
export const DELTA_COUNTER_NAMES = [
  'rq_total',
  'rq_success',
  'rq_error',
  'rq_timeout',
  'cx_total',
  'cx_connect_fail',
] as const satisfies readonly (keyof HostDelta)[];

/** Which cluster to follow, and what the caller knows to fill `pod` and `clientResponses`. */
export interface HostDeltaOptions {
  readonly clusterName: string;
  /** Pod name by `ip:port` as /clusters prints it; hosts without an entry get `pod: undefined`. */
  readonly podByAddress?: ReadonlyMap<string, string> | undefined;
  /** Responses the client tallied per pod (`LoadRecord.podTally`); hosts without a pod get 0. */
  readonly clientResponsesByPod?: Readonly<Record<string, number>> | undefined;
}

/** Per-host deltas over the measured window and the per-interval `rq_total` increases. */
export interface ClusterDeltas {
  /** One record per address, in order of first appearance. */
  readonly hosts: readonly HostRecord[];
  /** One point per snapshot after the first; a host absent from that snapshot is not listed (read it as 0). */
  readonly timeline: readonly TimelinePoint[];
}

interface HostTrack {
  readonly presentAtStart: boolean;
  /** Counters at the previous snapshot, or undefined when the host was absent from it. */
  previous: HostDelta | undefined;
  total: HostDelta;
}

/**
 * Turns cumulative /clusters snapshots of one window (first = start, last = end) into per-host deltas.
 * A host that appears mid-window counts from 0. A host that vanishes keeps what it had counted at its last
 * appearance. A host that comes back after being absent, or whose counters went down between two snapshots,
 * is a new Envoy Host object whose counters restarted at 0 (`BaseDynamicClusterImpl::updateDynamicHostList` in
 * `source/common/upstream/upstream_impl.cc` builds a new HostImpl for an address it does not hold): its counters are
 * added in full, never subtracted. A snapshot that does not list the cluster counts as one with no hosts.
 * Two hosts with the same address in one snapshot are summed.
 */
export function computeHostDeltas(
  snapshots: readonly ClustersSnapshot[],
  options: HostDeltaOptions,
): ClusterDeltas {
  const tracks = new Map<string, HostTrack>();
  const timeline: TimelinePoint[] = [];
  const startMs = snapshots[0]?.takenAtMs ?? 0;
  snapshots.forEach((snapshot, index) => {
    const current = readClusterCounters(snapshot, options.clusterName);
    const rqTotal: Record<string, number> = {};
    for (const [address, counters] of current) {
      const track = tracks.get(address);
      if (track === undefined) {
        tracks.set(address, {
          presentAtStart: index === 0,
          previous: counters,
          total: index === 0 ? zeroDelta() : counters,
        });
        rqTotal[address] = index === 0 ? 0 : counters.rq_total;
        continue;
      }
      const increase = computeIncrease(track.previous, counters);
      track.total = addDeltas(track.total, increase);
      track.previous = counters;
      rqTotal[address] = increase.rq_total;
    }
    for (const [address, track] of tracks) {
      if (!current.has(address)) {
        track.previous = undefined;
      }
    }
    if (index > 0) {
      timeline.push({ tMs: snapshot.takenAtMs - startMs, rqTotal });
    }
  });
  const last = snapshots.at(-1);
  const endAddresses = last === undefined ? new Map() : readClusterCounters(last, options.clusterName);
  const hosts = [...tracks].map(([address, track]) =>
    toHostRecord(address, track, endAddresses.has(address), options),
  );
  return { hosts, timeline };
}

/** Counter increase between two snapshots of one address; a restarted host (absent before, or any counter down) counts in full. */
function computeIncrease(previous: HostDelta | undefined, current: HostDelta): HostDelta {
  if (previous === undefined || DELTA_COUNTER_NAMES.some((name) => current[name] < previous[name])) {
    return current;
  }
  return mapDelta((name) => current[name] - previous[name]);
}

function readClusterCounters(snapshot: ClustersSnapshot, clusterName: string): Map<string, HostDelta> {
  const byAddress = new Map<string, HostDelta>();
  const cluster = snapshot.clusters.find((candidate) => candidate.name === clusterName);
  for (const host of cluster?.hosts ?? []) {
    const counters = pickDelta(host.counters);
    const existing = byAddress.get(host.address);
    byAddress.set(host.address, existing === undefined ? counters : addDeltas(existing, counters));
  }
  return byAddress;
}

function toHostRecord(
  address: string,
  track: HostTrack,
  isPresentAtEnd: boolean,
  options: HostDeltaOptions,
): HostRecord {
  const pod = options.podByAddress?.get(address);
  return {
    address,
    pod,
    delta: track.total,
    presentAtStart: track.presentAtStart,
    presentAtEnd: isPresentAtEnd,
    clientResponses: pod === undefined ? 0 : (options.clientResponsesByPod?.[pod] ?? 0),
  };
}

function pickDelta(counters: HostCounters): HostDelta {
  return mapDelta((name) => counters[name]);
}

function addDeltas(a: HostDelta, b: HostDelta): HostDelta {
  return mapDelta((name) => a[name] + b[name]);
}

function zeroDelta(): HostDelta {
  return mapDelta(() => 0);
}

function mapDelta(valueOf: (name: keyof HostDelta) => number): HostDelta {
  return {
    rq_total: valueOf('rq_total'),
    rq_success: valueOf('rq_success'),
    rq_error: valueOf('rq_error'),
    rq_timeout: valueOf('rq_timeout'),
    cx_total: valueOf('cx_total'),
    cx_connect_fail: valueOf('cx_connect_fail'),
  };
}
