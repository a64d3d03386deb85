import type { DiscoveredHost } from '../discovery/types.js';
import type { HostAssignment } from '../worker/messages.js';
import { formatHostAddress } from '../admin/host-address.js';
import type { SlotAllocator } from './slot-allocator.js';

/** A host of a cluster as the main thread tracks it. */
export interface RegisteredHost extends HostAssignment {
  readonly key: string;
  /** Per-host counter values the slot held when this host got it (non-zero only for a reused slot). */
  readonly counterBase: readonly number[];
}

/**
 * What an update did: nothing; changed membership, weights or hostnames; or moved LOGICAL_DNS's single host
 * to a new address (no membership change in Envoy, but workers must connect to the new address).
 */
export type HostSetChange = 'none' | 'membership' | 'address';

/** The current host set of one cluster, with statistics slots. */
export interface ClusterHosts {
  readonly hosts: readonly RegisteredHost[];
  /** Applies a discovered host list. */
  update(discovered: readonly DiscoveredHost[]): HostSetChange;
}

/**
 * Creates the host set of a cluster. A host that stays keeps its slot and counters; a host that goes frees
 * its slot; an address that comes back is a new host whose counters start at 0 (Envoy creates a new Host).
 * With `isLogical` (LOGICAL_DNS) the one host is Envoy's LogicalHost: a new address keeps its slot and counters.
 */
export function createClusterHosts(
  allocator: SlotAllocator,
  readCounters: (slot: number) => number[],
  options: { readonly isLogical: boolean },
): ClusterHosts {
  let hosts: readonly RegisteredHost[] = [];
  return {
    get hosts() {
      return hosts;
    },
    update(discovered) {
      const [current] = hosts;
      const [found] = discovered;
      if (options.isLogical && current !== undefined && found !== undefined && discovered.length === 1) {
        const key = formatHostAddress(found.ip, found.port);
        if (key === current.key) return 'none';
        hosts = [{ ...current, ...found, key }];
        return 'address';
      }
      const previous = new Map(hosts.map((host) => [host.key, host]));
      const next = discovered.map((found): RegisteredHost => {
        const key = formatHostAddress(found.ip, found.port);
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
      return isChanged ? 'membership' : 'none';
    },
  };
}
