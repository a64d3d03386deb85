import type { V1Pod } from '@kubernetes/client-node';
import type { Pod } from '../backend.js';
import { toPodsFromSlices } from './endpoint-slices.js';
import type { PodObject } from './manifest-types.js';
import { callKube, type KubeClients } from './kube-api.js';
import { describePodProblems, isPodGone, isPodReady } from './pod-status.js';
import { waitUntil, type PollResult, type WaitSettings } from './wait.js';

/** A Deployment whose pods carry the label `app=<name>`, and what its rollout must reach. */
export interface RolloutTarget {
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  /** Only pods for which this holds count as the new revision (e.g. the right policy env). */
  readonly isCurrent?: (pod: PodObject) => boolean;
}

/** Reads the pods behind a Service from its EndpointSlices (label `kubernetes.io/service-name`). */
export async function listServicePods(
  clients: KubeClients,
  namespace: string,
  service: { name: string; portName: string; port: number },
  signal: AbortSignal | undefined,
): Promise<Pod[]> {
  const list = await callKube(
    clients,
    `listing EndpointSlices of Service ${namespace}/${service.name}`,
    signal,
    () =>
      clients.discovery.listNamespacedEndpointSlice({
        namespace,
        labelSelector: `kubernetes.io/service-name=${service.name}`,
      }),
  );
  return toPodsFromSlices(list.items, service.portName, service.port);
}

/** Lists the pods with label `app=<name>` in a namespace. */
async function listAppPods(
  clients: KubeClients,
  namespace: string,
  app: string,
  signal: AbortSignal | undefined,
): Promise<V1Pod[]> {
  const list = await callKube(clients, `listing pods app=${app} in ${namespace}`, signal, () =>
    clients.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` }),
  );
  return list.items;
}

async function pollRollout(
  clients: KubeClients,
  target: RolloutTarget,
  signal: AbortSignal | undefined,
  onPods: (pods: V1Pod[]) => void,
): Promise<PollResult> {
  const { namespace, name, replicas } = target;
  const deployment = await callKube(clients, `reading Deployment ${namespace}/${name}`, signal, () =>
    clients.apps.readNamespacedDeployment({ name, namespace }),
  );
  const pods = await listAppPods(clients, namespace, name, signal);
  const live = pods.filter((pod) => !isPodGone(pod));
  const ready = live.filter((pod) => isPodReady(pod) && (target.isCurrent?.(pod) ?? true));
  const leaving = pods.length - ready.length;
  const observed = (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  onPods(ready);
  const problems = describePodProblems(live);
  return {
    done:
      observed &&
      ready.length === replicas &&
      leaving === 0 &&
      (deployment.status?.updatedReplicas ?? 0) === replicas,
    status: `${ready.length}/${replicas} pods Ready${leaving > 0 ? `, ${leaving} other pod(s) still present` : ''}${problems === '' ? '' : ` (${problems})`}`,
  };
}

/**
 * Waits until the Deployment has exactly `replicas` Ready pods of the current revision and no other
 * pods (old ones gone), reporting progress.
 * @returns the Ready pods.
 * @throws ClusterError on timeout, naming the pods' problems (image pull, scheduling…).
 */
export async function waitForRollout(
  clients: KubeClients,
  target: RolloutTarget,
  settings: WaitSettings,
): Promise<V1Pod[]> {
  let ready: V1Pod[] = [];
  await waitUntil(
    settings,
    `Deployment ${target.namespace}/${target.name}`,
    `Check the pods with \`kubectl -n ${target.namespace} describe pods -l app=${target.name}\` (image pull, scheduling, readiness probe).`,
    () =>
      pollRollout(clients, target, settings.signal, (pods) => {
        ready = pods;
      }),
  );
  return ready;
}
