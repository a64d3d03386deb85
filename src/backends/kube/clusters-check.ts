import { fetchClusters } from '../../collect/clusters-client.js';
import type { ClustersSnapshot } from '../../collect/types.js';
import { AbortedError } from '../../errors.js';
import { waitUntil, type WaitSettings } from './wait.js';

/** One /clusters request through a port-forward; a proxy that accepts but never answers counts as not ready. */
const ADMIN_REQUEST_TIMEOUT_MS = 10_000;

/** The distinct upstream host IPs of a /clusters snapshot (all clusters; IPv6 without brackets), sorted. */
export function getClusterHostIps(snapshot: ClustersSnapshot): string[] {
  const ips = new Set<string>();
  for (const cluster of snapshot.clusters) {
    for (const host of cluster.hosts) {
      ips.add(host.address.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''));
    }
  }
  return [...ips].sort();
}

/** `lists 2/3 pod IPs; missing 10.244.1.5; not Ready pods 10.244.2.9`, for the progress line and timeouts. */
export function describeHostDifference(listed: readonly string[], expected: readonly string[]): string {
  const missing = expected.filter((ip) => !listed.includes(ip));
  const extra = listed.filter((ip) => !expected.includes(ip));
  const parts = [`lists ${listed.length - extra.length}/${expected.length} pod IPs`];
  if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
  if (extra.length > 0) parts.push(`not Ready pods ${extra.join(', ')}`);
  return parts.join('; ');
}

/**
 * Polls `<adminUrl>/clusters` (through `fetchClusters`, text format) until its hosts are exactly
 * `expectedIps` (the Ready pod IPs) through the port-forward `admin`, i.e. the proxy's DNS view has converged.
 * @throws ClusterError on timeout, with what is missing or extra; AbortedError when the signal fires.
 */
export async function waitForClustersToList(
  admin: { readonly url: string; lastError(): string | undefined },
  expectedIps: readonly string[],
  settings: WaitSettings,
): Promise<void> {
  const expected = [...expectedIps].sort();
  await waitUntil(
    settings,
    `the proxy's /clusters to list the ${expected.length} Ready pods`,
    'The proxy resolves the headless Service through the cluster DNS every dns_refresh_rate; check its logs (`kubectl logs deploy/myapp-envoy`) and the endpoints (`kubectl get endpointslices -l kubernetes.io/service-name=myapp`).',
    async () => {
      try {
        const timeout = AbortSignal.timeout(ADMIN_REQUEST_TIMEOUT_MS);
        const snapshot = await fetchClusters(admin.url, {
          signal: settings.signal === undefined ? timeout : AbortSignal.any([settings.signal, timeout]),
          now: settings.now,
          format: 'text',
        });
        const listed = getClusterHostIps(snapshot);
        return {
          done: listed.join(',') === expected.join(','),
          status: describeHostDifference(listed, expected),
        };
      } catch (error) {
        if (error instanceof AbortedError) throw error;
        // The socket error ("socket hang up") hides why: the port-forward's own error says it (403, no such pod…).
        const forwardError = admin.lastError();
        const reason = error instanceof Error ? error.message : String(error);
        return {
          done: false,
          status: `admin not answering yet (${reason}${forwardError === undefined ? '' : `; port-forward: ${forwardError}`})`,
        };
      }
    },
  );
}
