import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ClusterError } from '../../errors.js';
import type { Scenario } from '../../scenario/types.js';
import type { CommandRunner } from '../exec.js';
import { ENVOY_IMAGE } from '../kube/envoy-config.js';
import {
  createSlowNotSupportedError,
  resolveTimeouts,
  type KubeLayerOptions,
  type KubernetesBackend,
} from '../kube/kube-backend.js';
import { createKubeWorkload, type KubeWorkload } from '../kube/kube-workload.js';
import type { ManifestTemplates } from '../kube/manifest-templates.js';
import { DEFAULT_UPSTREAM_IMAGE } from '../kube/render-manifests.js';
import { loadWorkloadConfig } from '../kube/repo-files.js';
import { checkKindPrerequisites, createKindCluster, listKindClusters, runSpec } from './kind-cluster.js';
import {
  buildProxyImageCommand,
  deleteClusterCommand,
  getKubeconfigCommand,
  inspectImageCommand,
  loadImageCommand,
  PROXY_DEV_IMAGE,
  PROXY_DOCKERFILE,
} from './kind-commands.js';
import { renderKindConfig } from './kind-config.js';
import { planKind } from './kind-plan.js';

/** Options of {@link createKindBackend}. */
export interface KindBackendOptions extends KubeLayerOptions {
  /** Runs kind and docker (the execa adapter in production, a fake in tests). */
  readonly runner: CommandRunner;
  /** Leave the cluster (and everything in it) at the end and after a failure (`--keep`). */
  readonly keep: boolean;
  /** Where the kind config file is written for `kind create cluster` (default: the OS temp dir). */
  readonly tempDir?: string;
}

/** How the kind backend gets the proxy image into the cluster. */
export interface ProxyImagePlan {
  readonly image: string;
  /** Build lbbench-proxy:dev from proxy/Dockerfile. */
  readonly build: boolean;
  /** `kind load` it when it is in the local Docker store (checked with `docker image inspect`). */
  readonly loadIfLocal: boolean;
}

/** Decides the proxy image: the built lbbench-proxy:dev, `proxy.image`, or the pinned Envoy image. */
export function resolveKindProxyImage(scenario: Scenario): ProxyImagePlan {
  if (scenario.proxy.image !== undefined) {
    return { image: scenario.proxy.image, build: false, loadIfLocal: true };
  }
  if (scenario.proxy.kind === 'envoy') {
    return { image: ENVOY_IMAGE, build: false, loadIfLocal: false };
  }
  return { image: PROXY_DEV_IMAGE, build: true, loadIfLocal: false };
}

interface KindState {
  created: boolean;
  reused: boolean;
  versions: Record<string, string>;
  workload: KubeWorkload | undefined;
  downPromise: Promise<void> | undefined;
}

/**
 * Creates the `kind` backend: creates (or, with `kind.reuse`, reuses) a kind cluster, builds and loads
 * the proxy image, then deploys through the Kubernetes API like the kube backend. The cluster is deleted
 * in `down()`, after a failed `up()` and after an abort, unless `keep` or it was reused.
 */
export function createKindBackend(scenario: Scenario, options: KindBackendOptions): KubernetesBackend {
  const { runner, progress, keep, repoRoot } = options;
  const spec = scenario.kind;
  const proxyImage = resolveKindProxyImage(scenario);
  const upstreamImage = options.upstreamImage ?? DEFAULT_UPSTREAM_IMAGE;
  const factory = options.kubeClientFactory ?? createKubeWorkload;
  const state: KindState = {
    created: false,
    reused: false,
    versions: {},
    workload: undefined,
    downPromise: undefined,
  };
  const loadConfig = () =>
    loadWorkloadConfig(scenario, {
      repoRoot,
      proxyImage: proxyImage.image,
      upstreamImage,
      clusterDomain: options.clusterDomain,
    });

  const ensureCluster = async (signal: AbortSignal, templates: ManifestTemplates): Promise<void> => {
    const existing = await listKindClusters(runner, signal);
    if (existing.includes(spec.clusterName)) {
      if (!spec.reuse) {
        throw new ClusterError(
          `a kind cluster named ${spec.clusterName} already exists. Set kind.reuse: true to use it (lbbench will then never delete it), choose another kind.clusterName, or delete it with \`kind delete cluster --name ${spec.clusterName}\`.`,
        );
      }
      state.reused = true;
      progress.step(`Reusing kind cluster ${spec.clusterName}`);
      return;
    }
    progress.step(`Creating kind cluster ${spec.clusterName} (1 control plane, ${spec.workers} workers)`);
    // From here on the cluster is ours: a failed or interrupted create still leaves nodes to delete.
    state.created = true;
    const configYaml = stringify(renderKindConfig(templates.kindConfig, spec));
    await createKindCluster(runner, spec, configYaml, { signal, tempDir: options.tempDir ?? tmpdir() });
  };

  const provideProxyImage = async (signal: AbortSignal): Promise<void> => {
    let load = proxyImage.build;
    if (proxyImage.build) {
      progress.step(`Building ${proxyImage.image} from ${PROXY_DOCKERFILE}`);
      await runSpec(runner, buildProxyImageCommand(repoRoot, proxyImage.image), signal);
    } else if (proxyImage.loadIfLocal) {
      const inspect = inspectImageCommand(proxyImage.image);
      load = (await runner(inspect.file, inspect.args, { signal })).exitCode === 0;
    }
    if (load) {
      progress.step(`Loading ${proxyImage.image} into kind cluster ${spec.clusterName}`);
      await runSpec(runner, loadImageCommand(proxyImage.image, spec.clusterName), signal);
    }
  };

  const bringUp = async (signal: AbortSignal): Promise<void> => {
    const config = await loadConfig();
    if (proxyImage.build && !existsSync(join(repoRoot, PROXY_DOCKERFILE))) {
      throw new ClusterError(
        `${join(repoRoot, PROXY_DOCKERFILE)} not found: the kind backend builds the proxy image from it`,
      );
    }
    progress.step('Checking kind and Docker');
    const versions = await checkKindPrerequisites(runner, signal);
    state.versions = { kindVersion: versions.kindVersion, dockerVersion: versions.dockerVersion };
    await ensureCluster(signal, config.templates);
    await provideProxyImage(signal);
    const kubeconfig = await runSpec(runner, getKubeconfigCommand(spec.clusterName), signal);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(kubeconfig.stdout);
    state.workload = factory({
      kubeConfig,
      config,
      progress,
      timeouts: resolveTimeouts(options.timeouts),
      now: options.now ?? (() => performance.now()),
    });
    await state.workload.up(signal);
  };

  const tearDown = async (): Promise<void> => {
    const deleteCluster = state.created && !keep;
    // Objects in a cluster about to be deleted need no deleting; in a reused cluster they do.
    await state.workload?.down({ deleteObjects: !keep && !deleteCluster });
    if (!deleteCluster) {
      return;
    }
    progress.step(`Deleting kind cluster ${spec.clusterName}`);
    try {
      await runSpec(runner, deleteClusterCommand(spec.clusterName), undefined);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      progress.warn(
        `Could not delete kind cluster ${spec.clusterName}: ${reason}. Delete it with \`kind delete cluster --name ${spec.clusterName}\`.`,
      );
    }
  };
  // Nothing created yet means nothing to remember: a later down() after up() must still clean up.
  const down = (): Promise<void> =>
    !state.created && state.workload === undefined ? Promise.resolve() : (state.downPromise ??= tearDown());

  const requireWorkload = (): KubeWorkload => {
    if (state.workload === undefined) {
      throw new ClusterError('the kind backend is not up: call up() first');
    }
    return state.workload;
  };

  return {
    kind: 'kind',
    up: async (signal) => {
      try {
        await bringUp(signal);
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
    removeProxy: () => state.workload?.removeProxy() ?? Promise.resolve(),
    down,
    environment: () => ({
      backend: 'kind',
      upstreamServer: upstreamImage,
      details: {
        clusterName: spec.clusterName,
        clusterReused: String(state.reused),
        ...state.versions,
        ...state.workload?.details(),
      },
    }),
    plan: async () => planKind({ scenario, config: await loadConfig(), proxyImage, repoRoot, keep }),
  };
}
