import type { KubeConfig } from '@kubernetes/client-node';
import type { LbPolicy } from 'lbbench-proxy';
import { redactArg } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';
import type { Pod, ProxyEndpoints } from '../backend.js';
import {
  applyObject,
  deleteObject,
  ensureNamespace,
  getObjectRef,
  ignoreNotFound,
  type AppliedObject,
  type ObjectRef,
} from './apply.js';
import { waitForClustersToList } from './clusters-check.js';
import { callKube, createKubeClients, type KubeClients } from './kube-api.js';
import type { DeploymentManifest, PodObject } from './manifest-types.js';
import { startPortForward, type PortForwardHandle } from './port-forward.js';
import { ADMIN_PORT, APP_PORT, NAMES, buildPolicyPatch, buildScalePatch } from './render-manifests.js';
import { listServicePods, waitForRollout } from './rollout.js';
import { waitUntil, type WaitSettings } from './wait.js';
import { describeProxy, renderProxy, renderWorkload, type KubeWorkloadConfig } from './workload-config.js';

/** How long the kube layer waits for things, and how often it polls. */
export interface KubeTimeouts {
  /** A Deployment rollout, including image pulls on a fresh cluster. */
  readonly rolloutMs: number;
  /** The proxy's /clusters converging on the Ready pods (DNS refresh). */
  readonly clustersMs: number;
  readonly pollIntervalMs: number;
}

/** Defaults generous enough for a fresh kind cluster pulling nginx and the proxy image. */
export const DEFAULT_KUBE_TIMEOUTS: KubeTimeouts = {
  rolloutMs: 300_000,
  clustersMs: 60_000,
  pollIntervalMs: 500,
};

/** What the kube layer needs: a KubeConfig (current context = target cluster) and what to deploy. */
export interface KubeWorkloadOptions {
  readonly kubeConfig: KubeConfig;
  readonly config: KubeWorkloadConfig;
  readonly progress: ProgressSink;
  readonly timeouts: KubeTimeouts;
  /** Monotonic clock in ms. */
  readonly now: () => number;
}

/** The myapp pods and the proxy on a cluster, driven through the Kubernetes API (shared by kind and kube). */
export interface KubeWorkload {
  up(signal: AbortSignal): Promise<void>;
  deployProxy(policy: LbPolicy, signal: AbortSignal): Promise<ProxyEndpoints>;
  pods(signal: AbortSignal | undefined): Promise<readonly Pod[]>;
  scale(replicas: number, signal: AbortSignal): Promise<void>;
  kill(podName: string, signal: AbortSignal): Promise<void>;
  /** Closes the port-forwards; the proxy Deployment stays for the next policy's patch. */
  removeProxy(): Promise<void>;
  /** Closes the port-forwards and, when `deleteObjects`, deletes what `up`/`deployProxy` created. */
  down(options: { deleteObjects: boolean }): Promise<void>;
  details(): Readonly<Record<string, string>>;
}

/** Creates a {@link KubeWorkload}; injectable so the kind backend can be tested without an API server. */
export type KubeWorkloadFactory = (options: KubeWorkloadOptions) => KubeWorkload;

interface WorkloadState {
  clients: KubeClients | undefined;
  createdNamespace: boolean;
  applied: ObjectRef[];
  proxyDeployment: DeploymentManifest | undefined;
  deploymentSeq: number;
  forwards: PortForwardHandle[];
  kubernetesVersion: string | undefined;
}

const MYAPP_SERVICE = { name: NAMES.app, portName: 'web', port: APP_PORT };

function isPodOf(pod: PodObject, policy: LbPolicy, seq: number): boolean {
  const container = pod.spec?.containers.find((c) => c.name === NAMES.proxy);
  const env = container?.env?.find((e) => e.name === NAMES.policyEnv)?.value;
  return env === policy && pod.metadata?.annotations?.[NAMES.deploymentSeqAnnotation] === String(seq);
}

/** Creates the kube layer over the API server of `options.kubeConfig`'s current context. */
export function createKubeWorkload(options: KubeWorkloadOptions): KubeWorkload {
  const { config, progress, timeouts, kubeConfig } = options;
  const { namespace } = config;
  const state: WorkloadState = {
    clients: undefined,
    createdNamespace: false,
    applied: [],
    proxyDeployment: undefined,
    deploymentSeq: 0,
    forwards: [],
    kubernetesVersion: undefined,
  };
  const getClients = (): KubeClients => (state.clients ??= createKubeClients(kubeConfig));
  const settings = (timeoutMs: number, signal: AbortSignal | undefined): WaitSettings => ({
    timeoutMs,
    pollIntervalMs: timeouts.pollIntervalMs,
    signal,
    progress,
    now: options.now,
  });

  const apply = async (object: AppliedObject, signal: AbortSignal): Promise<void> => {
    const ref = getObjectRef(object);
    const outcome = await applyObject(getClients(), object, signal);
    progress.update(`${ref.kind} ${ref.namespace}/${ref.name} ${outcome}`);
    if (!state.applied.some((r) => r.kind === ref.kind && r.name === ref.name)) {
      state.applied.push(ref);
    }
  };

  const pods = (signal: AbortSignal | undefined): Promise<Pod[]> =>
    listServicePods(getClients(), namespace, MYAPP_SERVICE, signal);

  const waitForEndpoints = (replicas: number, signal: AbortSignal): Promise<void> =>
    waitUntil(
      settings(timeouts.rolloutMs, signal),
      `the EndpointSlices of Service ${namespace}/${NAMES.app}`,
      `Check \`kubectl -n ${namespace} get endpointslices -l kubernetes.io/service-name=${NAMES.app}\`.`,
      async () => {
        const current = await pods(signal);
        const ready = current.filter((pod) => pod.ready).length;
        return {
          done: ready === replicas && current.length === replicas,
          status: `${ready}/${replicas} endpoints Ready`,
        };
      },
    );

  const waitForMyapp = async (replicas: number, signal: AbortSignal): Promise<void> => {
    await waitForRollout(
      getClients(),
      { namespace, name: NAMES.app, replicas },
      settings(timeouts.rolloutMs, signal),
    );
    await waitForEndpoints(replicas, signal);
  };

  const closeForwards = async (): Promise<void> => {
    const open = state.forwards;
    state.forwards = [];
    await Promise.all(open.map((forward) => forward.close()));
  };

  const rollProxy = async (policy: LbPolicy, signal: AbortSignal): Promise<ProxyEndpoints> => {
    state.deploymentSeq += 1;
    const seq = state.deploymentSeq;
    const manifests = renderProxy(config, policy, seq);
    if (manifests.configMap !== undefined) {
      await apply({ kind: 'ConfigMap', body: manifests.configMap }, signal);
    }
    if (state.proxyDeployment === undefined) {
      await apply({ kind: 'Service', body: manifests.service }, signal);
      await apply({ kind: 'Deployment', body: manifests.deployment }, signal);
      state.proxyDeployment = manifests.deployment;
    } else {
      const body = buildPolicyPatch(state.proxyDeployment, policy, seq);
      await callKube(getClients(), `patching Deployment ${namespace}/${NAMES.proxy}`, signal, () =>
        getClients().apps.patchNamespacedDeployment({ name: NAMES.proxy, namespace, body }),
      );
    }
    const target = {
      namespace,
      name: NAMES.proxy,
      replicas: 1,
      isCurrent: (pod: PodObject) => isPodOf(pod, policy, seq),
    };
    const [pod] = await waitForRollout(getClients(), target, settings(timeouts.rolloutMs, signal));
    const podName = pod?.metadata?.name ?? '';
    const traffic = await startPortForward(kubeConfig, { namespace, pod: podName, port: APP_PORT });
    state.forwards.push(traffic);
    const admin = await startPortForward(kubeConfig, { namespace, pod: podName, port: ADMIN_PORT });
    state.forwards.push(admin);
    const readyIps = (await pods(signal)).filter((p) => p.ready).map((p) => p.ip);
    await waitForClustersToList(admin.url, readyIps, settings(timeouts.clustersMs, signal));
    return {
      trafficUrl: traffic.url,
      adminUrl: admin.url,
      proxy: describeProxy(manifests, config.proxy.kind),
    };
  };

  const deleteCreated = async (): Promise<void> => {
    const clients = getClients();
    if (state.createdNamespace) {
      await ignoreNotFound(() =>
        callKube(clients, `deleting namespace ${namespace}`, undefined, () =>
          clients.core.deleteNamespace({ name: namespace }),
        ),
      );
    } else {
      for (const ref of [...state.applied].reverse()) {
        await deleteObject(clients, ref);
      }
    }
    state.applied = [];
    state.createdNamespace = false;
    state.proxyDeployment = undefined;
  };

  return {
    up: async (signal) => {
      const clients = getClients();
      progress.step(
        `Deploying ${config.replicas} × ${config.upstreamImage} to namespace ${namespace} (${clients.target})`,
      );
      const version = await callKube(clients, 'reading the Kubernetes version', signal, () =>
        clients.version.getCode(),
      );
      state.kubernetesVersion = version.gitVersion;
      const manifests = renderWorkload(config);
      state.createdNamespace = await ensureNamespace(
        clients,
        manifests.namespace,
        settings(timeouts.rolloutMs, signal),
      );
      await apply({ kind: 'ConfigMap', body: manifests.configMap }, signal);
      await apply({ kind: 'Service', body: manifests.service }, signal);
      await apply({ kind: 'Deployment', body: manifests.deployment }, signal);
      await waitForMyapp(config.replicas, signal);
    },
    deployProxy: async (policy, signal) => {
      await closeForwards();
      progress.step(`Deploying the ${config.proxy.kind} proxy (${config.proxy.image}) with ${policy}`);
      return rollProxy(policy, signal);
    },
    pods,
    scale: async (replicas, signal) => {
      const body = buildScalePatch(replicas);
      await callKube(
        getClients(),
        `scaling Deployment ${namespace}/${NAMES.app} to ${replicas}`,
        signal,
        () => getClients().apps.patchNamespacedDeployment({ name: NAMES.app, namespace, body }),
      );
      await waitForMyapp(replicas, signal);
    },
    kill: async (podName, signal) => {
      await callKube(getClients(), `deleting pod ${namespace}/${podName}`, signal, () =>
        getClients().core.deleteNamespacedPod({ name: podName, namespace }),
      );
    },
    removeProxy: closeForwards,
    down: async ({ deleteObjects }) => {
      await closeForwards();
      if (!deleteObjects || (state.applied.length === 0 && !state.createdNamespace)) {
        return;
      }
      progress.step(
        state.createdNamespace
          ? `Deleting namespace ${namespace}`
          : `Deleting lbbench objects in ${namespace}`,
      );
      const byHand = state.createdNamespace
        ? `kubectl delete namespace ${namespace}`
        : `kubectl -n ${namespace} delete deployment,service,configmap -l ${NAMES.managedByLabel}=${NAMES.managedByValue}`;
      try {
        await deleteCreated();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        progress.warn(
          `Could not delete everything lbbench created in ${namespace}: ${reason}. Delete it by hand: ${byHand}`,
        );
      }
    },
    details: () => ({
      context: kubeConfig.getCurrentContext(),
      server: redactArg(kubeConfig.getCurrentCluster()?.server ?? ''),
      namespace,
      proxyImage: config.proxy.image,
      ...(state.kubernetesVersion === undefined ? {} : { kubernetesVersion: state.kubernetesVersion }),
    }),
  };
}
