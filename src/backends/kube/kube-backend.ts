import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ClusterError } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';
import type { PodFault, Scenario } from '../../scenario/types.js';
import type { Backend, BackendEnvironment, Pod, ProxyDeployment, ProxyEndpoints } from '../backend.js';
import {
  applyInitialSettings,
  listAppPods,
  scaleApp,
  setPodDelay,
  setPodFault,
  waitForApp,
} from './app-pods.js';
import { callKube } from './kube-api.js';
import { hasClusterIpRow, prepareClusterIpRow } from './cluster-ip-row.js';
import { NAMES } from './render-manifests.js';
import type { ClusterAccess } from './cluster-access.js';
import { renderApp, type KubeDeployConfig } from './deploy-config.js';
import { planKubeRun } from './kube-plan.js';
import { DEFAULT_KUBE_TIMEOUTS, KubeSession, type KubeTimeouts } from './kube-session.js';
import type { PlanStep } from './plan.js';
import { OTHER_PROXY_IMAGES } from './other-proxy-manifests.js';
import { rollOutOtherProxy } from './other-proxy-rollout.js';
import { rollOutProxy } from './proxy-rollout.js';
import { runLoadJob } from './run-load-job.js';
import { loadDeployConfig } from './repo-files.js';

/** A Kubernetes backend: a {@link Backend} that can also show what it would do. */
export interface KubernetesBackend extends Backend {
  /** Every command and manifest the run would use, computed without touching anything. */
  plan(): Promise<PlanStep[]>;
}

/** What a Kubernetes backend needs besides the scenario and its cluster access. */
export interface KubeBackendOptions {
  readonly progress: ProgressSink;
  /** The lbbench package root (with `cluster/` and `proxy/`). */
  readonly repoRoot: string;
  /** Leave everything in place at the end (`--keep`). */
  readonly keep: boolean;
  readonly timeouts?: Partial<KubeTimeouts>;
  /** Monotonic clock in ms; defaults to `performance.now`. */
  readonly now?: () => number;
}

/** Where a Kubernetes backend is in its life: `down()` may come at any point, more than once. */
type KubeState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'opening' }
  | { readonly phase: 'up'; readonly session: KubeSession; readonly config: KubeDeployConfig }
  | { readonly phase: 'stopped'; readonly done: Promise<void> };

/**
 * The kind and kube backends: the myapp pods and the proxy on a cluster, driven through the Kubernetes API.
 * `access` decides how the cluster is reached (an existing context, or a kind cluster created first).
 */
export class KubeBackend implements KubernetesBackend {
  readonly kind: 'kind' | 'kube';
  #state: KubeState = { phase: 'idle' };
  #lastSession: KubeSession | undefined;
  /** Distinguishes this invocation's proxy pods from any an earlier invocation left on a kept cluster. */
  readonly #nonce = randomUUID().slice(0, 8);
  #deployCount = 0;
  readonly #timeouts: KubeTimeouts;
  readonly #now: () => number;
  private readonly scenario: Scenario;
  private readonly access: ClusterAccess;
  private readonly options: KubeBackendOptions;

  constructor(scenario: Scenario, access: ClusterAccess, options: KubeBackendOptions) {
    this.scenario = scenario;
    this.access = access;
    this.options = options;
    this.kind = access.backend;
    this.#timeouts = { ...DEFAULT_KUBE_TIMEOUTS, ...options.timeouts };
    this.#now = options.now ?? (() => performance.now());
  }

  async up(signal: AbortSignal): Promise<void> {
    if (this.#state.phase !== 'idle') {
      throw new ClusterError(`the ${this.kind} backend cannot go up from state ${this.#state.phase}`);
    }
    this.#state = { phase: 'opening' };
    try {
      const config = await this.#loadConfig();
      const kubeConfig = await this.access.open(signal);
      const session = new KubeSession(kubeConfig, config.namespace, {
        progress: this.options.progress,
        timeouts: this.#timeouts,
        now: this.#now,
      });
      this.#lastSession = session;
      if (this.#isStopped()) {
        throw new ClusterError(`the ${this.kind} backend was stopped while it went up`);
      }
      this.#state = { phase: 'up', session, config };
      await this.#deployApp(session, config, signal);
    } catch (error) {
      // The caller's own down() gets the same memoised promise, so a teardown failure is still reported.
      await this.down().catch(() => undefined);
      throw error;
    }
  }

  async reset(signal: AbortSignal): Promise<void> {
    const { session, config } = this.#requireUp();
    await session.closeForwards();
    await scaleApp(session, config.replicas, signal);
    // Killed pods were replaced by the Deployment already; waiting here lets the delays reach the new ones.
    await waitForApp(session, config.replicas, this.#timeouts.rolloutMs, signal);
    await applyInitialSettings(session, config, signal);
  }

  async deployProxy(deployment: ProxyDeployment, signal: AbortSignal): Promise<ProxyEndpoints> {
    const { session } = this.#requireUp();
    await session.closeForwards();
    this.#deployCount += 1;
    const deploymentId = `${this.#nonce}-${this.#deployCount}`;
    const endpoints = await this.#deployBalancer(deployment, deploymentId, signal);
    const job = {
      jobName: `lbbench-load-${deploymentId}`,
      image: this.access.images.lbbench,
      url: endpoints.trafficUrl,
      startLeadMs: this.#timeouts.jobStartLeadMs + this.scenario.load.warmupMs,
    };
    return { ...endpoints, runLoad: (options) => runLoadJob(session, job, options, this.#timeouts) };
  }

  /**
   * The row's balancer: a proxy Deployment for an Envoy row, a HAProxy or nginx Deployment (official image) for
   * theirs, nothing but the ClusterIP Service for CLUSTER_IP.
   */
  async #deployBalancer(
    deployment: ProxyDeployment,
    deploymentId: string,
    signal: AbortSignal,
  ): Promise<Omit<ProxyEndpoints, 'runLoad'>> {
    const { session, config } = this.#requireUp();
    const { row, seed } = deployment;
    switch (row.proxy) {
      case 'envoy':
        this.options.progress.step(
          `Deploying the ${config.proxy.kind} proxy (${config.proxy.image}) for row ${row.name} (${row.policy}), seed ${seed}`,
        );
        return rollOutProxy(
          session,
          { config, deployment: { row, seed }, deploymentId, timeouts: this.#timeouts },
          signal,
        );
      case 'cluster-ip':
        this.options.progress.step(
          `Row ${row.name}: no proxy; the load Job connects to Service ${NAMES.clusterIpService} (kube-proxy)`,
        );
        return prepareClusterIpRow(session, { config, timeouts: this.#timeouts }, signal);
      case 'haproxy':
      case 'nginx':
        this.options.progress.step(
          `Deploying ${row.proxy} (${OTHER_PROXY_IMAGES[row.proxy]}) for row ${row.name} (${row.policy})`,
        );
        return rollOutOtherProxy(
          session,
          { config, row, deploymentId, timeouts: this.#timeouts, progress: this.options.progress },
          signal,
        );
    }
  }

  pods(signal: AbortSignal): Promise<readonly Pod[]> {
    return listAppPods(this.#requireUp().session, signal);
  }

  async scale(replicas: number, signal: AbortSignal): Promise<void> {
    const { session } = this.#requireUp();
    await scaleApp(session, replicas, signal);
    await waitForApp(session, replicas, this.#timeouts.rolloutMs, signal);
  }

  async kill(podName: string, signal: AbortSignal): Promise<void> {
    const { session } = this.#requireUp();
    await callKube(session.clients, `deleting pod ${session.namespace}/${podName}`, signal, () =>
      session.clients.core.deleteNamespacedPod({ name: podName, namespace: session.namespace }),
    );
  }

  async slow(podName: string, delayMs: number, signal: AbortSignal): Promise<void> {
    const { session, config } = this.#requireUp();
    if (config.podServer === undefined) {
      // Unreachable for a checked scenario: any slow event makes the pods run the pod server.
      throw new ClusterError(
        `slow (pod ${podName}): the myapp pods run ${config.upstreamImage}, which cannot delay`,
      );
    }
    await setPodDelay(session, podName, delayMs, signal);
  }

  async setFault(podName: string, fault: PodFault, signal: AbortSignal): Promise<void> {
    const { session, config } = this.#requireUp();
    if (config.podServer === undefined) {
      // Unreachable for a checked scenario: any fault event makes the pods run the pod server.
      throw new ClusterError(
        `${fault} (pod ${podName}): the myapp pods run ${config.upstreamImage}, which cannot`,
      );
    }
    await setPodFault(session, podName, fault, signal);
  }

  async removeProxy(): Promise<void> {
    if (this.#state.phase === 'up') await this.#state.session.closeForwards();
  }

  down(): Promise<void> {
    if (this.#state.phase === 'stopped') return this.#state.done;
    const session = this.#state.phase === 'up' ? this.#state.session : undefined;
    const done = this.#tearDown(session);
    this.#state = { phase: 'stopped', done };
    return done;
  }

  environment(): BackendEnvironment {
    const config = this.#state.phase === 'up' ? this.#state.config : undefined;
    return {
      backend: this.kind,
      upstreamServer: config?.upstreamImage ?? 'nginx:1.10',
      details: {
        namespace: this.scenario.kube.namespace,
        proxyImage: this.access.images.proxy,
        lbbenchImage: this.access.images.lbbench,
        ...(this.scenario.proxy.kind === 'envoy'
          ? { proxyUnmatched: 'seed: Envoy takes none, its runs are recorded as unseeded' }
          : {}),
        ...this.access.details(),
        ...this.#lastSession?.details(),
      },
    };
  }

  async plan(): Promise<PlanStep[]> {
    return planKubeRun(await this.#loadConfig(), {
      scenario: this.scenario,
      access: this.access,
      deleteObjects: !this.options.keep && this.access.deletesObjects(),
    });
  }

  #loadConfig(): Promise<KubeDeployConfig> {
    return loadDeployConfig(this.scenario, {
      repoRoot: this.options.repoRoot,
      proxyImage: this.access.images.proxy,
      lbbenchImage: this.access.images.lbbench,
    });
  }

  async #deployApp(session: KubeSession, config: KubeDeployConfig, signal: AbortSignal): Promise<void> {
    this.options.progress.step(
      `Deploying ${config.replicas} × ${config.upstreamImage} to namespace ${config.namespace} (${session.clients.target})`,
    );
    await session.readVersion(signal);
    const app = renderApp(config);
    await session.ensureNamespace(app.namespace, signal);
    await session.apply({ kind: 'ConfigMap', body: app.configMap }, signal);
    await session.apply({ kind: 'Service', body: app.service }, signal);
    if (hasClusterIpRow(this.scenario)) {
      await session.apply({ kind: 'Service', body: app.clusterIpService }, signal);
    }
    await session.apply({ kind: 'Deployment', body: app.deployment }, signal);
    await waitForApp(session, config.replicas, this.#timeouts.rolloutMs, signal);
    await applyInitialSettings(session, config, signal);
  }

  async #tearDown(session: KubeSession | undefined): Promise<void> {
    try {
      await session?.closeForwards();
      if (session !== undefined && !this.options.keep && this.access.deletesObjects()) {
        await session.deleteCreated();
      }
    } finally {
      // Also when deleting the objects failed: the cluster is released, and that failure is still reported.
      await this.access.close();
    }
  }

  /** A method, not an inline check: `down()` may have changed the state while `up` awaited. */
  #isStopped(): boolean {
    return this.#state.phase === 'stopped';
  }

  #requireUp(): { session: KubeSession; config: KubeDeployConfig } {
    if (this.#state.phase !== 'up') {
      throw new ClusterError(
        `the ${this.kind} backend is not up (state ${this.#state.phase}): call up() first`,
      );
    }
    return this.#state;
  }
}
