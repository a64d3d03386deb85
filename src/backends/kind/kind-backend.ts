import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ClusterError } from '../../errors.js';
import type { Scenario } from '../../scenario/types.js';
import type { CommandRunner } from '../exec.js';
import { ENVOY_IMAGE } from '../kube/envoy-config.js';
import type { KubeWorkload } from '../kube/kube-workload.js';
import type { ManifestTemplates } from '../kube/manifest-templates.js';
import {
  bringUpOrTearDown,
  createLayerWorkload,
  forwardToWorkload,
  getUpstreamImage,
  loadLayerConfig,
  type KubeLayerOptions,
  type KubernetesBackend,
} from '../kube/workload-backend.js';
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
import { planKind, type ProxyImagePlan } from './kind-plan.js';

/** Options of {@link createKindBackend}. */
export interface KindBackendOptions extends KubeLayerOptions {
  /** Runs kind and docker (the execa adapter in production, a fake in tests). */
  readonly runner: CommandRunner;
  /** Leave the cluster (and everything in it) at the end and after a failure (`--keep`). */
  readonly keep: boolean;
  /** Where the kind config file is written for `kind create cluster` (default: the OS temp dir). */
  readonly tempDir?: string;
}

/** Decides the proxy image: the built lbbench-proxy:dev, `proxy.image`, or the pinned Envoy image. */
function resolveKindProxyImage(scenario: Scenario): ProxyImagePlan {
  if (scenario.proxy.image !== undefined) {
    return { image: scenario.proxy.image, build: false, loadIfLocal: true };
  }
  if (scenario.proxy.kind === 'envoy') {
    return { image: ENVOY_IMAGE, build: false, loadIfLocal: false };
  }
  return { image: PROXY_DEV_IMAGE, build: true, loadIfLocal: false };
}

/** Cleanup runs after the run's signal has fired, so it gets its own bound: a hung Docker must not hang lbbench. */
const DELETE_CLUSTER_TIMEOUT_MS = 120_000;

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
  const state: KindState = {
    created: false,
    reused: false,
    versions: {},
    workload: undefined,
    downPromise: undefined,
  };
  const loadConfig = () => loadLayerConfig(scenario, options, proxyImage.image);

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
        `${join(repoRoot, PROXY_DOCKERFILE)} not found: the kind backend builds the proxy image from it. Reinstall lbbench, or set proxy.image to an lbbench-proxy image you built.`,
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
    const workload = createLayerWorkload(options, kubeConfig, config);
    state.workload = workload;
    await workload.up(signal);
  };

  const deleteCluster = async (): Promise<void> => {
    progress.step(`Deleting kind cluster ${spec.clusterName}`);
    const timeout = AbortSignal.timeout(DELETE_CLUSTER_TIMEOUT_MS);
    try {
      await runSpec(runner, deleteClusterCommand(spec.clusterName), timeout);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason = timeout.aborted
        ? `it did not finish within ${DELETE_CLUSTER_TIMEOUT_MS / 1000} s`
        : message;
      progress.warn(
        `Could not delete kind cluster ${spec.clusterName}: ${reason}. Delete it with \`kind delete cluster --name ${spec.clusterName}\`.`,
      );
    }
  };
  const tearDown = async (): Promise<void> => {
    const isDeletingCluster = state.created && !keep;
    try {
      // Objects in a cluster about to be deleted need no deleting; in a reused cluster they do.
      await state.workload?.down({ deleteObjects: !keep && !isDeletingCluster });
    } finally {
      // Also when the workload's teardown failed: the cluster goes, and that failure is still reported.
      if (isDeletingCluster) {
        await deleteCluster();
      }
    }
  };
  // Nothing created yet means nothing to remember: a later down() after up() must still clean up.
  const down = (): Promise<void> =>
    !state.created && state.workload === undefined ? Promise.resolve() : (state.downPromise ??= tearDown());

  return {
    kind: 'kind',
    up: (signal) => bringUpOrTearDown(() => bringUp(signal), down),
    ...forwardToWorkload('kind', () => state.workload, scenario.replicas),
    down,
    environment: () => ({
      backend: 'kind',
      upstreamServer: getUpstreamImage(options),
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
