import type { ClusterConfig } from '../types.js';
import type { ResolvedAddress } from './resolve.js';
import type { DiscoveredHost } from './types.js';

/** One lb_endpoint of a DNS cluster: Envoy's ResolveTarget, with its own name, port and host list. */
export interface ResolveTarget {
  readonly dnsName: string;
  readonly port: number;
  /** `endpoint.hostname` when set, else the DNS name. */
  readonly hostname: string;
  readonly weight: number;
}

/** What one successful answer does to a target's host list. */
export interface TargetUpdate {
  /** The target's hosts after the answer, in answer order. */
  readonly hosts: readonly DiscoveredHost[];
  /** True when the set of `ip:port` changed, which makes Envoy rebuild the host set. */
  readonly changed: boolean;
  /** Minimum TTL over the records that became hosts; undefined for an answer without records. */
  readonly minTtlSeconds: number | undefined;
}

/** Builds one resolve target per configured endpoint, in config order. */
export function createResolveTargets(cluster: ClusterConfig): readonly ResolveTarget[] {
  return cluster.endpoints.map((endpoint) => ({
    dnsName: endpoint.address,
    port: endpoint.portValue,
    // Envoy treats an empty `endpoint.hostname` as unset.
    hostname:
      endpoint.hostname === undefined || endpoint.hostname === '' ? endpoint.address : endpoint.hostname,
    weight: Math.max(1, endpoint.weight),
  }));
}

/** The key Envoy matches hosts by across updates. */
export function getHostKey(host: { readonly ip: string; readonly port: number }): string {
  return `${host.ip}:${host.port}`;
}

/**
 * Applies a STRICT_DNS answer to a target: one host per address, duplicates of an `ip:port` dropped within
 * the target, answer order kept. An empty answer removes every host of the target.
 */
export function applyStrictAnswer(
  target: ResolveTarget,
  current: readonly DiscoveredHost[],
  addresses: readonly ResolvedAddress[],
): TargetUpdate {
  const seen = new Set<string>();
  const hosts: DiscoveredHost[] = [];
  let minTtlSeconds: number | undefined;
  for (const address of addresses) {
    const host = { ip: address.ip, port: target.port, hostname: target.hostname, weight: target.weight };
    const key = getHostKey(host);
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    hosts.push(host);
    minTtlSeconds = Math.min(minTtlSeconds ?? Number.POSITIVE_INFINITY, address.ttlSeconds);
  }
  return { hosts, changed: !hasSameKeys(current, seen), minTtlSeconds };
}

/** What one non-empty answer does to a LOGICAL_DNS cluster's single logical host. */
export interface LogicalUpdate extends TargetUpdate {
  /** Every answered `ip:port`, in answer order (Envoy keeps it for Happy Eyeballs). */
  readonly addressKeys: readonly string[];
  /** True when only the address list changed, not the first address: no rebuild, and no no-rebuild count. */
  readonly isListChangeOnly: boolean;
}

/**
 * Applies a LOGICAL_DNS answer: the single logical host takes the first address, with that record's TTL.
 * Envoy ignores an empty answer (the caller counts it as a failure), so there is always a first address.
 */
export function applyLogicalAnswer(
  target: ResolveTarget,
  current: { readonly hosts: readonly DiscoveredHost[]; readonly addressKeys: readonly string[] },
  addresses: readonly [ResolvedAddress, ...ResolvedAddress[]],
): LogicalUpdate {
  const [first] = addresses;
  const host = { ip: first.ip, port: target.port, hostname: target.hostname, weight: target.weight };
  const previous = current.hosts[0];
  const changed = previous === undefined || getHostKey(previous) !== getHostKey(host);
  const addressKeys = addresses.map((address) => getHostKey({ ip: address.ip, port: target.port }));
  const isListChanged =
    addressKeys.length !== current.addressKeys.length ||
    addressKeys.some((key, index) => key !== current.addressKeys[index]);
  return {
    hosts: [host],
    changed,
    minTtlSeconds: first.ttlSeconds,
    addressKeys,
    isListChangeOnly: !changed && isListChanged,
  };
}

function hasSameKeys(current: readonly DiscoveredHost[], next: ReadonlySet<string>): boolean {
  if (current.length !== next.size) {
    return false;
  }
  return current.every((host) => next.has(getHostKey(host)));
}
