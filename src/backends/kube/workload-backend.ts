import { performance } from 'node:perf_hooks';
import type { KubeConfig } from '@kubernetes/client-node';
import { BackendNotUpError, ClusterError } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';
import type { BackendKind, Scenario } from '../../scenario/types.js';
import type { Backend } from '../backend.js';
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
import type { KubeWorkloadConfig } from './workload-config.js';

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

/** The Backend methods that only forward to the kube layer once `up` has created it. */
export type WorkloadMethods = Pick<
  Backend,
  'reset' | 'deployProxy' | 'pods' | 'scale' | 'kill' | 'slow' | 'removeProxy'
>;

/** The myapp image of a run: `options.upstreamImage`, else the write-up's nginx:1.10. */
export function getUpstreamImage(options: KubeLayerOptions): string {
  return options.upstreamImage ?? DEFAULT_UPSTREAM_IMAGE;
}

/** Reads `cluster/` (and the Envoy template) and resolves what the kube layer deploys, with `proxyImage`. */
export function loadLayerConfig(
  scenario: Scenario,
  options: KubeLayerOptions,
  proxyImage: string,
): Promise<KubeWorkloadConfig> {
  return loadWorkloadConfig(scenario, {
    repoRoot: options.repoRoot,
    proxyImage,
    upstreamImage: getUpstreamImage(options),
    clusterDomain: options.clusterDomain,
  });
}

/** Creates the kube layer for the current context of `kubeConfig`, with the options' timeouts, clock and factory. */
export function createLayerWorkload(
  options: KubeLayerOptions,
  kubeConfig: KubeConfig,
  config: KubeWorkloadConfig,
): KubeWorkload {
  const factory = options.kubeClientFactory ?? createKubeWorkload;
  return factory({
    kubeConfig,
    config,
    progress: options.progress,
    timeouts: { ...DEFAULT_KUBE_TIMEOUTS, ...options.timeouts },
    now: options.now ?? (() => performance.now()),
  });
}

/**
 * The {@link WorkloadMethods} of a Kubernetes backend: each forwards to the workload `getWorkload` returns, and
 * rejects with a BackendNotUpError while there is none (before `up`); `slow` is always refused. `reset` scales
 * back to `initialReplicas` and waits for the rollout (the Deployment has already replaced killed pods).
 */
export function forwardToWorkload(
  backend: BackendKind,
  getWorkload: () => KubeWorkload | undefined,
  initialReplicas: number,
): WorkloadMethods {
  const requireWorkload = (): KubeWorkload => {
    const workload = getWorkload();
    if (workload === undefined) {
      throw new BackendNotUpError(backend);
    }
    return workload;
  };
  return {
    reset: async (signal) => requireWorkload().scale(initialReplicas, signal),
    deployProxy: async (deployment, signal) => requireWorkload().deployProxy(deployment.policy, signal),
    pods: async (signal) => requireWorkload().pods(signal),
    scale: async (replicas, signal) => requireWorkload().scale(replicas, signal),
    kill: async (podName, signal) => requireWorkload().kill(podName, signal),
    slow: (podName) => Promise.reject(createSlowNotSupportedError(podName)),
    removeProxy: () => getWorkload()?.removeProxy() ?? Promise.resolve(),
  };
}

/**
 * Runs `bringUp`; when it fails, runs `down` (which must memoise its promise) and rethrows the failure of
 * `bringUp`. A failing `down` does not replace that error: the caller's own `down()` gets the same rejected
 * promise and reports it.
 */
export async function bringUpOrTearDown(
  bringUp: () => Promise<void>,
  down: () => Promise<void>,
): Promise<void> {
  try {
    await bringUp();
  } catch (error) {
    await down().catch(() => undefined);
    throw error;
  }
}

function createSlowNotSupportedError(podName: string): ClusterError {
  return new ClusterError(
    `slow (pod ${podName}): adding latency to a pod is not supported on the kind and kube backends, because nginx:1.10 cannot delay responses. Remove the "slow" events from the scenario or run it with --backend local.`,
  );
}
