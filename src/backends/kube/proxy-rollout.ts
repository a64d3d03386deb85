import type { EnvoyPolicyEntry } from '../../scenario/types.js';
import type { ProxyDeployment, ProxyEndpoints } from '../backend.js';
import { listAppPods } from './app-pods.js';
import { waitForClustersToList } from './clusters-check.js';
import { describeProxy, renderProxy, type KubeDeployConfig } from './deploy-config.js';
import type { KubeSession, KubeTimeouts } from './kube-session.js';
import type { PodObject } from './manifest-types.js';
import { ADMIN_PORT, APP_PORT, NAMES } from './render-manifests.js';
import { waitForRollout } from './rollout.js';

/** The proxy Service's cluster address, which the load Job's generators drive. */
export function getProxyServiceUrl(config: KubeDeployConfig): string {
  return `http://${NAMES.proxy}.${config.namespace}.svc.${config.clusterDomain}:${APP_PORT}`;
}

/**
 * Deploys the proxy for one run: its ConfigMap, Service and Deployment (replaced, so the pod template's
 * `deploymentId` annotation rolls a fresh pod), waits for exactly that pod, port-forwards its admin port only,
 * and waits until `/clusters` lists the Ready myapp pods.
 */
export async function rollOutProxy(
  session: KubeSession,
  inputs: {
    readonly config: KubeDeployConfig;
    readonly deployment: ProxyDeployment & { readonly row: EnvoyPolicyEntry };
    readonly deploymentId: string;
    readonly timeouts: KubeTimeouts;
  },
  signal: AbortSignal,
): Promise<ProxyEndpoints> {
  const { config, deployment, deploymentId } = inputs;
  const manifests = renderProxy(config, { ...deployment, deploymentId });
  await session.apply({ kind: 'ConfigMap', body: manifests.configMap }, signal);
  await session.apply({ kind: 'Service', body: manifests.service }, signal);
  await session.apply({ kind: 'Deployment', body: manifests.deployment }, signal);
  const target = {
    namespace: config.namespace,
    name: NAMES.proxy,
    replicas: 1,
    // A pod of an earlier run, or of an earlier invocation on a kept cluster, carries another id.
    isCurrent: (pod: PodObject) => pod.metadata?.annotations?.[NAMES.deploymentAnnotation] === deploymentId,
  };
  const [pod] = await waitForRollout(
    session.clients,
    target,
    session.waitSettings(inputs.timeouts.rolloutMs, signal),
  );
  // Only admin traffic crosses a port-forward; the measured load runs inside the cluster (run-load-job.ts).
  const admin = await session.forward(pod?.metadata?.name ?? '', ADMIN_PORT);
  const readyIps = (await listAppPods(session, signal)).filter((p) => p.ready).map((p) => p.ip);
  await waitForClustersToList(admin, readyIps, session.waitSettings(inputs.timeouts.clustersMs, signal));
  return {
    trafficUrl: getProxyServiceUrl(config),
    counters: { kind: 'envoy-clusters', adminUrl: admin.url },
    proxy: describeProxy(manifests, config.proxy.kind),
  };
}
