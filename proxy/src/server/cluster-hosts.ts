import type { DiscoveredHost } from '../discovery/types.js';
import type { HostAssignment } from '../worker/messages.js';
import { formatHostKey } from '../worker/worker-cluster.js';
import type { SlotAllocator } from './slot-allocator.js';

/** A host of a cluster as the main thread tracks it. */
export interface RegisteredHost extends HostAssignment {
  readonly key: string;
  /** Per-host counter values the slot held when this host got it (non-zero only for a reused slot). */
  readonly counterBase: readonly number[];
}

/** The current host set of one cluster, with statistics slots. */
export interface ClusterHosts {
  readonly hosts: readonly RegisteredHost[];
  /** Applies a discovered host list; returns whether membership or weights changed. */
  update(discovered: readonly DiscoveredHost[]): boolean;
}

/**
 * Creates the host set of a cluster. A host that stays keeps its slot and counters; a host that goes frees
 * its slot; an address that comes back is a new host whose counters start at 0 (Envoy creates a new Host).
 */
export function createClusterHosts(
  allocator: SlotAllocator,
  readCounters: (slot: number) => number[],
): ClusterHosts {
  let hosts: readonly RegisteredHost[] = [];
  return {
    get hosts() {
      return hosts;
    },
    update(discovered) {
      const previous = new Map(hosts.map((host) => [host.key, host]));
      const next = discovered.map((found): RegisteredHost => {
        const key = formatHostKey(found.ip, found.port);
        const kept = previous.get(key);
        if (kept !== undefined) {
          previous.delete(key);
          return kept.weight === found.weight && kept.hostname === found.hostname
            ? kept
            : { ...kept, weight: found.weight, hostname: found.hostname };
        }
        const slot = allocator.allocate();
        return { key, ...found, slot, counterBase: readCounters(slot) };
      });
      for (const removed of previous.values()) allocator.release(removed.slot);
      const isChanged =
        previous.size > 0 || next.length !== hosts.length || next.some((host, i) => host !== hosts[i]);
      hosts = next;
      return isChanged;
    },
  };
}
