import type { ClustersSnapshot } from '../collect/types.js';

/** The distinct upstream host IPs of a /clusters snapshot (all clusters; IPv6 without brackets), sorted. */
export function listHostIps(snapshot: ClustersSnapshot): string[] {
  const ips = new Set<string>();
  for (const cluster of snapshot.clusters) {
    for (const host of cluster.hosts) ips.add(host.address.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''));
  }
  return [...ips].sort();
}

/** `lists 2/3 pod IPs; missing 10.244.1.5; other hosts 10.244.2.9`, for the progress line and timeouts. */
export function describeHostDifference(listed: readonly string[], expected: readonly string[]): string {
  const missing = expected.filter((ip) => !listed.includes(ip));
  const extra = listed.filter((ip) => !expected.includes(ip));
  const parts = [`lists ${listed.length - extra.length}/${expected.length} pod IPs`];
  if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
  if (extra.length > 0) parts.push(`other hosts ${extra.join(', ')}`);
  return parts.join('; ');
}
