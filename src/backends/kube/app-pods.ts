import { ClusterError } from '../../errors.js';
import type { Pod } from '../backend.js';
import { getInitialSettings, type KubeDeployConfig } from './deploy-config.js';
import type { PodFault } from '../../scenario/types.js';
import { callKube } from './kube-api.js';
import type { KubeSession } from './kube-session.js';
import { POD_CONTROL_PORT } from './lbbench-image.js';
import { startPortForward } from './port-forward.js';
import { APP_PORT, NAMES, buildScalePatch } from './render-manifests.js';
import { listServicePods, waitForRollout } from './rollout.js';
import { waitUntil } from './wait.js';

const MYAPP_SERVICE = { name: NAMES.app, portName: 'web', port: APP_PORT };
/** One control request to a pod server through a port-forward. */
const CONTROL_REQUEST_TIMEOUT_MS = 10_000;

/** The myapp pods, from the headless Service's EndpointSlices. */
export function listAppPods(session: KubeSession, signal: AbortSignal | undefined): Promise<Pod[]> {
  return listServicePods(session.clients, session.namespace, MYAPP_SERVICE, signal);
}

/** Waits until the myapp Deployment has rolled out `replicas` pods and as many Ready endpoints. */
export async function waitForApp(
  session: KubeSession,
  replicas: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const { namespace } = session;
  const settings = session.waitSettings(timeoutMs, signal);
  await waitForRollout(session.clients, { namespace, name: NAMES.app, replicas }, settings);
  await waitUntil(
    settings,
    `the EndpointSlices of Service ${namespace}/${NAMES.app}`,
    `Check \`kubectl -n ${namespace} get endpointslices -l kubernetes.io/service-name=${NAMES.app}\`.`,
    async () => {
      const current = await listAppPods(session, signal);
      const ready = current.filter((pod) => pod.ready).length;
      return {
        done: ready === replicas && current.length === replicas,
        status: `${ready}/${replicas} endpoints Ready`,
      };
    },
  );
}

/** Sets the myapp Deployment's replica count (the pods follow; see {@link waitForApp}). */
export async function scaleApp(session: KubeSession, replicas: number, signal: AbortSignal): Promise<void> {
  const { namespace } = session;
  const body = buildScalePatch(replicas);
  await callKube(session.clients, `scaling Deployment ${namespace}/${NAMES.app} to ${replicas}`, signal, () =>
    session.clients.apps.patchNamespacedDeployment({ name: NAMES.app, namespace, body }),
  );
}

/**
 * Sends one pod server a control request (`PUT /delay`, `/fault` or `/settings`) through a port-forward: control
 * traffic, never load.
 * @throws ClusterError when the pod server refuses or cannot be reached.
 */
async function putPodControl(
  session: KubeSession,
  request: { readonly podName: string; readonly path: string; readonly body: object; readonly what: string },
  signal: AbortSignal,
): Promise<void> {
  const { podName, path, what } = request;
  const forward = await startPortForward(session.kubeConfig, {
    namespace: session.namespace,
    pod: podName,
    port: POD_CONTROL_PORT,
  });
  try {
    const response = await fetch(`${forward.url}${path}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request.body),
      signal: AbortSignal.any([signal, AbortSignal.timeout(CONTROL_REQUEST_TIMEOUT_MS)]),
    });
    if (!response.ok) {
      throw new ClusterError(`pod ${podName}: the pod server answered ${response.status} to PUT ${path}`);
    }
  } catch (error) {
    if (error instanceof ClusterError || signal.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const forwardError = forward.lastError();
    throw new ClusterError(
      `pod ${podName}: could not set ${what} (${reason}${forwardError === undefined ? '' : `; port-forward: ${forwardError}`})`,
      { cause: error },
    );
  } finally {
    await forward.close();
  }
}

/** Sets the added delay of one pod's server (a `slow` event). @throws ClusterError as {@link putPodControl}. */
export function setPodDelay(
  session: KubeSession,
  podName: string,
  delayMs: number,
  signal: AbortSignal,
): Promise<void> {
  return putPodControl(
    session,
    { podName, path: '/delay', body: { delayMs }, what: `its delay to ${delayMs} ms` },
    signal,
  );
}

/** Makes one pod's server fail, hang or serve as planned. @throws ClusterError as {@link putPodControl}. */
export function setPodFault(
  session: KubeSession,
  podName: string,
  fault: PodFault,
  signal: AbortSignal,
): Promise<void> {
  return putPodControl(session, { podName, path: '/fault', body: { fault }, what: `fault ${fault}` }, signal);
}

/** Gives every current pod its settings at the start of a run, by index (undoing slow and fault events). */
export async function applyInitialSettings(
  session: KubeSession,
  config: KubeDeployConfig,
  signal: AbortSignal,
): Promise<void> {
  if (config.podServer === undefined) return;
  const pods = await listAppPods(session, signal);
  for (const [index, pod] of pods.entries()) {
    const body = getInitialSettings(config, index);
    await putPodControl(
      session,
      { podName: pod.name, path: '/settings', body, what: 'its settings' },
      signal,
    );
  }
}
