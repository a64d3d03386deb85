import type { Scenario } from '../../scenario/types.js';
import type { Pod, ProxyEndpoints } from '../backend.js';
import type { KubeDeployConfig } from './deploy-config.js';
import type { KubeSession, KubeTimeouts } from './kube-session.js';
import { APP_PORT, NAMES } from './render-manifests.js';
import { listServicePods } from './rollout.js';
import { waitUntil } from './wait.js';

/** Whether the scenario has the CLUSTER_IP row, whose ClusterIP Service the backend then applies. */
export function hasClusterIpRow(scenario: Scenario): boolean {
  return scenario.policies.some((row) => row.proxy === 'cluster-ip');
}

const CLUSTER_IP_SERVICE = { name: NAMES.clusterIpService, portName: 'web', port: APP_PORT };

/** The ClusterIP Service's cluster address: the CLUSTER_IP row's load Job connects here, through kube-proxy. */
export function getClusterIpServiceUrl(config: KubeDeployConfig): string {
  return `http://${NAMES.clusterIpService}.${config.namespace}.svc.${config.clusterDomain}:${APP_PORT}`;
}

/**
 * The CLUSTER_IP row on Kubernetes: no proxy is deployed; the load Job's generators connect straight to the
 * ClusterIP Service `myapp-clusterip`, so the cluster's kube-proxy picks a pod per connection. Waits until the
 * Service's EndpointSlices (what kube-proxy programs its rules from) list exactly the Ready myapp pods. The row has
 * no per-host counters: it is counted from the client's `X-Upstream-Pod` tally.
 */
export async function prepareClusterIpRow(
  session: KubeSession,
  inputs: { readonly config: KubeDeployConfig; readonly timeouts: KubeTimeouts },
  signal: AbortSignal,
): Promise<Omit<ProxyEndpoints, 'runLoad'>> {
  const { config } = inputs;
  const { namespace } = session;
  const describe = (pods: readonly Pod[]): string =>
    pods
      .filter((pod) => pod.ready)
      .map((pod) => pod.ip)
      .sort()
      .join(',');
  const headless = { name: NAMES.app, portName: 'web', port: APP_PORT };
  await waitUntil(
    session.waitSettings(inputs.timeouts.rolloutMs, signal),
    `the EndpointSlices of Service ${namespace}/${NAMES.clusterIpService} to list the Ready ${NAMES.app} pods`,
    `Check \`kubectl -n ${namespace} get endpointslices -l kubernetes.io/service-name=${NAMES.clusterIpService}\`.`,
    async () => {
      const [viaClusterIp, viaHeadless] = await Promise.all([
        listServicePods(session.clients, namespace, CLUSTER_IP_SERVICE, signal),
        listServicePods(session.clients, namespace, headless, signal),
      ]);
      const listed = describe(viaClusterIp);
      return { done: listed !== '' && listed === describe(viaHeadless), status: `endpoints [${listed}]` };
    },
  );
  return {
    trafficUrl: getClusterIpServiceUrl(config),
    counters: { kind: 'client-tally' },
    proxy: {
      kind: 'cluster-ip',
      version:
        'kube-proxy of the cluster (its mode decides the pick: iptables/nftables random, IPVS round robin)',
      command: `Service ${namespace}/${NAMES.clusterIpService} (type ClusterIP)`,
      isSeeded: false,
    },
  };
}
