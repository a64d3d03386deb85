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
  /** Slots of hosts DNS dropped but health checking keeps (PENDING_DYNAMIC_REMOVAL). */
  readonly pendingRemoval: ReadonlySet<number>;
  /**
   * Applies a discovered host list. A host missing from it stays, flagged pending removal, when
   * `keepRemoved` says so (Envoy keeps a removed host that still passes active health checks).
   */
  update(
    discovered: readonly DiscoveredHost[],
    keepRemoved?: (host: RegisteredHost) => boolean,
  ): HostSetChange;
  /** Removes a host pending removal (it failed a health check); false when it is not pending. */
  removePending(slot: number): boolean;
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
  const pendingRemoval = new Set<number>();
  return {
    get hosts() {
      return hosts;
    },
    pendingRemoval,
    removePending(slot) {
      if (!pendingRemoval.delete(slot)) return false;
      hosts = hosts.filter((host) => host.slot !== slot);
      allocator.release(slot);
      return true;
    },
    update(discovered, keepRemoved) {
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
          pendingRemoval.delete(kept.slot);
          return kept.weight === found.weight && kept.hostname === found.hostname
            ? kept
            : { ...kept, weight: found.weight, hostname: found.hostname };
        }
        const slot = allocator.allocate();
        return { key, ...found, slot, counterBase: readCounters(slot) };
      });
      for (const removed of previous.values()) {
        if (keepRemoved?.(removed) === true) {
          pendingRemoval.add(removed.slot);
          next.push(removed);
        } else {
          pendingRemoval.delete(removed.slot);
          allocator.release(removed.slot);
        }
      }
      const isChanged =
        previous.size > 0 || next.length !== hosts.length || next.some((host, i) => host !== hosts[i]);
      hosts = next;
      return isChanged ? 'membership' : 'none';
    },
  };
}
