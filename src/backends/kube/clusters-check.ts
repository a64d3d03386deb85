import { fetchClusters } from '../../collect/clusters-client.js';
import { AbortedError } from '../../errors.js';
import { describeHostDifference, listHostIps } from '../../run/cluster-hosts.js';
import { waitUntil, type WaitSettings } from './wait.js';

/** One /clusters request through a port-forward; a proxy that accepts but never answers counts as not ready. */
const ADMIN_REQUEST_TIMEOUT_MS = 10_000;

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
        const listed = listHostIps(snapshot);
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
