import { ZERO_HOST_COUNTERS } from './host-status-builder.js';
import type { HaproxyServerStats } from './parse-haproxy-stats.js';
import type { HostCounters, HostStatus } from './types.js';

/** Counters that are gauges, not cumulative: reported as read, never offset. */
const GAUGES: readonly (keyof HostCounters)[] = ['cx_active', 'rq_active'];

/**
 * Turns HAProxy's server slots into per-pod hosts, matched by address. A `server-template` slot keeps its counters
 * when the DNS answer gives it another pod, so each (slot, address) pairing counts from the slot's counters at the
 * previous reading: a pod that takes over a slot starts at 0, as a new Envoy host does. A slot in maintenance
 * (no address in the last answer) is not a host, as Envoy drops a host its STRICT_DNS answer no longer has.
 * Stateful: one tracker per HAProxy process, fed its readings in order.
 */
export class HaproxySlotHosts {
  /** Per slot: the address it had and the counters its current address counts from. */
  readonly #pairings = new Map<
    string,
    { readonly address: string | undefined; readonly base: HostCounters }
  >();
  /** Per slot: the counters of the previous reading. */
  readonly #previous = new Map<string, HostCounters>();

  /** The Ready hosts of one reading, counters relative to when each pod took its slot. */
  read(servers: readonly HaproxyServerStats[]): HostStatus[] {
    const hosts: HostStatus[] = [];
    for (const server of servers) {
      const address = isServing(server) ? server.address : undefined;
      const pairing = this.#pairings.get(server.name);
      const base =
        pairing !== undefined && pairing.address === address
          ? pairing.base
          : (this.#previous.get(server.name) ?? ZERO_HOST_COUNTERS);
      this.#pairings.set(server.name, { address, base });
      this.#previous.set(server.name, server.counters);
      if (address !== undefined) {
        hosts.push({
          address,
          hostname: server.name,
          healthFlags: [],
          weight: undefined,
          counters: subtractBase(server.counters, base),
        });
      }
    }
    return hosts;
  }
}

function isServing(server: HaproxyServerStats): boolean {
  return server.address !== undefined && !server.status.startsWith('MAINT');
}

function subtractBase(counters: HostCounters, base: HostCounters): HostCounters {
  const result = { ...counters };
  for (const key of Object.keys(counters) as (keyof HostCounters)[]) {
    if (!GAUGES.includes(key)) result[key] = Math.max(0, counters[key] - base[key]);
  }
  return result;
}
