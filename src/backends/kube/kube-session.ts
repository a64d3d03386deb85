import type { KubeConfig, V1Job } from '@kubernetes/client-node';
import { redactArg } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';
import {
  applyObject,
  deleteObject,
  ensureNamespace,
  getObjectRef,
  ignoreNotFound,
  type AppliedObject,
  type ObjectRef,
} from './apply.js';
import { callKube, createKubeClients, type KubeClients } from './kube-api.js';
import type { JobManifest } from './load-job-manifest.js';
import { toApiObject, type NamespaceManifest } from './manifest-types.js';
import { startPortForward, type PortForwardHandle } from './port-forward.js';
import { NAMES } from './render-manifests.js';
import type { WaitSettings } from './wait.js';

/** How long a Kubernetes backend waits for things, and how often it polls. */
export interface KubeTimeouts {
  /** A Deployment rollout, including image pulls on a fresh cluster. */
  readonly rolloutMs: number;
  /** The proxy's /clusters converging on the Ready pods (DNS refresh). */
  readonly clustersMs: number;
  /** The load Job: from its creation to the generators' common start (scheduling, start-up), before warm-up. */
  readonly jobStartLeadMs: number;
  /** The load Job: how much longer than its lead, warm-up and window it may take to report. */
  readonly jobStartMs: number;
  readonly pollIntervalMs: number;
}

/** Defaults generous enough for a fresh kind cluster pulling nginx and the images. */
export const DEFAULT_KUBE_TIMEOUTS: KubeTimeouts = {
  rolloutMs: 300_000,
  clustersMs: 60_000,
  jobStartLeadMs: 20_000,
  jobStartMs: 300_000,
  pollIntervalMs: 500,
};

/**
 * One connection to a cluster and what lbbench did there: the API clients, the objects it applied (to delete
 * them at the end), whether it created the namespace, and the open port-forwards.
 */
export class KubeSession {
  readonly clients: KubeClients;
  #applied: ObjectRef[] = [];
  #createdNamespace = false;
  #forwards: PortForwardHandle[] = [];
  #kubernetesVersion: string | undefined;
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  private readonly progress: ProgressSink;
  private readonly timeouts: KubeTimeouts;
  private readonly now: () => number;

  constructor(
    kubeConfig: KubeConfig,
    namespace: string,
    context: { progress: ProgressSink; timeouts: KubeTimeouts; now: () => number },
  ) {
    this.kubeConfig = kubeConfig;
    this.namespace = namespace;
    this.progress = context.progress;
    this.timeouts = context.timeouts;
    this.now = context.now;
    this.clients = createKubeClients(kubeConfig);
  }

  /** Wait settings for `timeoutMs` with the backend's poll interval, clock and progress. */
  waitSettings(timeoutMs: number, signal: AbortSignal | undefined): WaitSettings {
    return {
      timeoutMs,
      pollIntervalMs: this.timeouts.pollIntervalMs,
      signal,
      progress: this.progress,
      now: this.now,
    };
  }

  /** Reads the server's version (the first call: it fails fast on a wrong context or credentials). */
  async readVersion(signal: AbortSignal): Promise<void> {
    const version = await callKube(this.clients, 'reading the Kubernetes version', signal, () =>
      this.clients.version.getCode(),
    );
    this.#kubernetesVersion = version.gitVersion;
  }

  /** Creates the namespace unless it exists (and remembers to delete it at the end if this created it). */
  async ensureNamespace(manifest: NamespaceManifest, signal: AbortSignal): Promise<void> {
    const settings = this.waitSettings(this.timeouts.rolloutMs, signal);
    this.#createdNamespace = await ensureNamespace(this.clients, manifest, settings);
  }

  /** Creates or replaces an object, and remembers it for the end. */
  async apply(object: AppliedObject, signal: AbortSignal): Promise<void> {
    const ref = getObjectRef(object);
    const outcome = await applyObject(this.clients, object, signal);
    this.progress.update(`${ref.kind} ${ref.namespace}/${ref.name} ${outcome}`);
    if (!this.#applied.some((r) => r.kind === ref.kind && r.name === ref.name)) {
      this.#applied.push(ref);
    }
  }

  /** Creates a Job (each has its own name, so never a replace) and remembers it for the end. */
  async createJob(job: JobManifest, signal: AbortSignal): Promise<void> {
    const { namespace } = this;
    const name = job.metadata?.name ?? '';
    await callKube(this.clients, `creating Job ${namespace}/${name}`, signal, () =>
      this.clients.batch.createNamespacedJob({ namespace, body: toApiObject<V1Job>(job) }),
    );
    this.#applied.push({ kind: 'Job', namespace, name });
  }

  /** Deletes a Job (and its pods) now rather than at the end. */
  async deleteJob(name: string): Promise<void> {
    await deleteObject(this.clients, { kind: 'Job', namespace: this.namespace, name });
    this.#applied = this.#applied.filter((ref) => !(ref.kind === 'Job' && ref.name === name));
  }

  /** Forwards a local port to `port` of `pod`, closed by {@link closeForwards}. */
  async forward(pod: string, port: number): Promise<PortForwardHandle> {
    const handle = await startPortForward(this.kubeConfig, { namespace: this.namespace, pod, port });
    this.#forwards.push(handle);
    return handle;
  }

  async closeForwards(): Promise<void> {
    const open = this.#forwards;
    this.#forwards = [];
    await Promise.all(open.map((forward) => forward.close()));
  }

  /** Deletes the namespace if lbbench created it, else every object it applied; warns with the command on failure. */
  async deleteCreated(): Promise<void> {
    const { namespace } = this;
    if (this.#applied.length === 0 && !this.#createdNamespace) return;
    this.progress.step(
      this.#createdNamespace ? `Deleting namespace ${namespace}` : `Deleting lbbench objects in ${namespace}`,
    );
    const byHand = this.#createdNamespace
      ? `kubectl delete namespace ${namespace}`
      : `kubectl -n ${namespace} delete job,deployment,service,configmap -l ${NAMES.managedByLabel}=${NAMES.managedByValue}`;
    try {
      if (this.#createdNamespace) {
        await ignoreNotFound(() =>
          callKube(this.clients, `deleting namespace ${namespace}`, undefined, () =>
            this.clients.core.deleteNamespace({ name: namespace }),
          ),
        );
      } else {
        for (const ref of [...this.#applied].reverse()) {
          await deleteObject(this.clients, ref);
        }
      }
      this.#applied = [];
      this.#createdNamespace = false;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.progress.warn(
        `Could not delete everything lbbench created in ${namespace}: ${reason}. Delete it by hand: ${byHand}`,
      );
    }
  }

  details(): Readonly<Record<string, string>> {
    return {
      context: this.kubeConfig.getCurrentContext(),
      server: redactArg(this.kubeConfig.getCurrentCluster()?.server ?? ''),
      namespace: this.namespace,
      ...(this.#kubernetesVersion === undefined ? {} : { kubernetesVersion: this.#kubernetesVersion }),
    };
  }
}
