import { performance } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterError, UsageError } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';
import type { Scenario } from '../../scenario/types.js';
import type { Backend } from '../backend.js';
import { ENVOY_IMAGE } from './envoy-config.js';
import { describeKubeTarget } from './kube-api.js';
import { planKubeWorkload } from './kube-plan.js';
import {
  createKubeWorkload,
  DEFAULT_KUBE_TIMEOUTS,
  type KubeTimeouts,
  type KubeWorkload,
  type KubeWorkloadFactory,
} from './kube-workload.js';
import type { PlanStep } from './plan.js';
import { DEFAULT_UPSTREAM_IMAGE } from './render-manifests.js';
import { loadWorkloadConfig } from './repo-files.js';

/** A Kubernetes backend: a {@link Backend} that can also show what it would do. */
export interface KubernetesBackend extends Backend {
  /** Every command and manifest the run would use, computed without touching anything. */
  plan(): Promise<PlanStep[]>;
}

/** Options shared by the kind and kube backends. */
export interface KubeLayerOptions {
  readonly progress: ProgressSink;
  /** The lbbench package root (with `cluster/` and `proxy/`). */
  readonly repoRoot: string;
  /** Leave everything in place at the end (`--keep`). */
  readonly keep?: boolean;
  /** The myapp image; defaults to the write-up's nginx:1.10. */
  readonly upstreamImage?: string;
  /** The cluster's DNS domain (`cluster.local` unless the cluster was set up otherwise). */
  readonly clusterDomain?: string;
  readonly timeouts?: Partial<KubeTimeouts>;
  /** Monotonic clock in ms; defaults to `performance.now`. */
  readonly now?: () => number;
  /** Replaces the Kubernetes API layer (tests). */
  readonly kubeClientFactory?: KubeWorkloadFactory;
}

/** Options of {@link createKubeBackend}. */
export interface KubeBackendOptions extends KubeLayerOptions {
  /** The cluster to use: its current context, unless the scenario's `kube.context` names another. */
  readonly kubeConfig: KubeConfig;
}

/** The error every Kubernetes backend gives for a `slow` event. */
export function createSlowNotSupportedError(podName: string): ClusterError {
  return new ClusterError(
    `slow (pod ${podName}): adding latency to a pod is not supported on the kind and kube backends, because nginx:1.10 cannot delay responses. Remove the "slow" events from the scenario or run it with --backend local.`,
  );
}

/**
 * Returns a copy of `kubeConfig` whose current context is `context` (or the same current context).
 * @throws UsageError listing the known contexts when `context` is not in the kubeconfig.
 */
export function selectKubeContext(kubeConfig: KubeConfig, context: string | undefined): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kubeConfig.getClusters(),
    contexts: kubeConfig.getContexts(),
    users: kubeConfig.getUsers(),
    currentContext: context ?? kubeConfig.getCurrentContext(),
  });
  const names = kubeConfig.getContexts().map((c) => c.name);
  const wanted = copy.getCurrentContext();
  if (wanted === '') {
    throw new UsageError(
      'the kubeconfig has no current context: select one with `kubectl config use-context NAME` or set kube.context in the scenario',
    );
  }
  if (!names.includes(wanted)) {
    const known = names.length === 0 ? 'none (is KUBECONFIG or ~/.kube/config set up?)' : names.join(', ');
    throw new UsageError(`kube.context: no context "${wanted}" in the kubeconfig; known contexts: ${known}`);
  }
  return copy;
}

/** Loads the kubeconfig the way kubectl does (KUBECONFIG, ~/.kube/config, in-cluster) and selects `context`. */
export function loadKubeConfig(context: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return selectKubeContext(kubeConfig, context);
}

/** The kube layer's timeouts with defaults filled in. */
export function resolveTimeouts(partial: Partial<KubeTimeouts> | undefined): KubeTimeouts {
  return { ...DEFAULT_KUBE_TIMEOUTS, ...partial };
}

function resolveKubeProxyImage(scenario: Scenario): string {
  if (scenario.proxy.kind === 'envoy') {
    return scenario.proxy.image ?? ENVOY_IMAGE;
  }
  if (scenario.proxy.image === undefined) {
    throw new UsageError(
      `--backend kube needs proxy.image: an lbbench-proxy image the cluster can pull (build it with \`docker build -t REGISTRY/lbbench-proxy:TAG -f proxy/Dockerfile .\`, push it, and set proxy.image in ${scenario.sourcePath || 'the scenario'}). Or use proxy.kind: envoy, or --backend kind, which builds and loads the image itself.`,
    );
  }
  return scenario.proxy.image;
}

/**
 * Creates the `kube` backend: an existing cluster reached through `options.kubeConfig`. It creates the
 * namespace (if missing) and the myapp/proxy objects, and deletes what it created in `down()` unless `keep`.
 * @throws UsageError when `proxy.image` is missing for the bundled proxy or `kube.context` is unknown.
 */
export function createKubeBackend(scenario: Scenario, options: KubeBackendOptions): KubernetesBackend {
  const kubeConfig = selectKubeContext(options.kubeConfig, scenario.kube.context);
  const proxyImage = resolveKubeProxyImage(scenario);
  const keep = options.keep ?? false;
  const factory = options.kubeClientFactory ?? createKubeWorkload;
  const upstreamImage = options.upstreamImage ?? DEFAULT_UPSTREAM_IMAGE;
  let workload: KubeWorkload | undefined;
  let downPromise: Promise<void> | undefined;
  const loadConfig = () =>
    loadWorkloadConfig(scenario, {
      repoRoot: options.repoRoot,
      proxyImage,
      upstreamImage,
      clusterDomain: options.clusterDomain,
    });
  const requireWorkload = (): KubeWorkload => {
    if (workload === undefined) {
      throw new ClusterError('the kube backend is not up: call up() first');
    }
    return workload;
  };
  const down = (): Promise<void> =>
    workload === undefined ? Promise.resolve() : (downPromise ??= workload.down({ deleteObjects: !keep }));

  return {
    kind: 'kube',
    up: async (signal) => {
      const config = await loadConfig();
      workload = factory({
        kubeConfig,
        config,
        progress: options.progress,
        timeouts: resolveTimeouts(options.timeouts),
        now: options.now ?? (() => performance.now()),
      });
      try {
        await workload.up(signal);
      } catch (error) {
        await down();
        throw error;
      }
    },
    deployProxy: async (policy, signal) => requireWorkload().deployProxy(policy, signal),
    pods: async (signal) => requireWorkload().pods(signal),
    scale: async (replicas, signal) => requireWorkload().scale(replicas, signal),
    kill: async (podName, signal) => requireWorkload().kill(podName, signal),
    slow: (podName) => Promise.reject(createSlowNotSupportedError(podName)),
    removeProxy: () => workload?.removeProxy() ?? Promise.resolve(),
    down,
    environment: () => ({
      backend: 'kube',
      upstreamServer: upstreamImage,
      details: workload?.details() ?? {
        context: kubeConfig.getCurrentContext(),
        namespace: scenario.kube.namespace,
      },
    }),
    plan: async () =>
      planKubeWorkload(await loadConfig(), {
        target: describeKubeTarget(kubeConfig),
        policies: scenario.policies,
        repetitions: scenario.repetitions,
        events: scenario.events,
        deleteObjects: !keep,
      }),
  };
}
