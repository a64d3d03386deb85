import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ClusterError } from '../../errors.js';
import type { Scenario } from '../../scenario/types.js';
import type { CommandRunner } from '../exec.js';
import { refuseUnhonouredFields } from '../kube/check-scenario.js';
import type { ClusterAccess } from '../kube/cluster-access.js';
import { KubeBackend, type KubeBackendOptions } from '../kube/kube-backend.js';
import type { PlanStep } from '../kube/plan.js';
import { readManifestTemplates } from '../kube/repo-files.js';
import { checkKindPrerequisites, createKindCluster, listKindClusters, runSpec } from './kind-cluster.js';
import {
  createClusterCommand,
  deleteClusterCommand,
  dockerVersionCommand,
  getClustersCommand,
  getKubeconfigCommand,
  kindVersionCommand,
  toPlanStep,
} from './kind-commands.js';
import { renderKindConfig } from './kind-config.js';
import {
  buildImages,
  checkBuildInputs,
  loadImage,
  planBuilds,
  planLoads,
  resolveKindImages,
  type KindImage,
} from './kind-images.js';

/** Options of {@link createKindBackend}. */
export interface KindBackendOptions extends KubeBackendOptions {
  /** Runs kind and docker (the execa adapter in production, a fake in tests). */
  readonly runner: CommandRunner;
  /** Where the private kubeconfig and the kind config are written (default: the OS temp dir). */
  readonly tempDir?: string;
}

/** Cleanup runs after the run's signal has fired, so it gets its own bound: a hung Docker must not hang lbbench. */
const DELETE_CLUSTER_TIMEOUT_MS = 120_000;
/** Shown in the plan instead of the temporary directory. */
const TEMP_DIR_PLACEHOLDER = '<temp dir>';

/** Where the kind cluster is in its life. Only `created` is deleted at the end, and only after create succeeded. */
type KindClusterState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'preparing'; readonly dir: string }
  | { readonly phase: 'created' | 'reused'; readonly dir: string }
  | { readonly phase: 'closed' };

/**
 * A kind cluster as a Kubernetes backend's cluster: checks kind and Docker, builds the images (before the cluster
 * exists), creates the cluster (or reuses it with `kind.reuse`) with a private kubeconfig, and loads the images.
 */
export class KindCluster implements ClusterAccess {
  readonly backend = 'kind';
  readonly images: { readonly proxy: string; readonly lbbench: string };
  #state: KindClusterState = { phase: 'idle' };
  #versions: Readonly<Record<string, string>> = {};
  readonly #kindImages: readonly KindImage[];
  private readonly scenario: Scenario;
  private readonly options: KindBackendOptions;

  constructor(scenario: Scenario, options: KindBackendOptions) {
    this.scenario = scenario;
    this.options = options;
    const { proxy, lbbench } = resolveKindImages(scenario);
    this.images = { proxy: proxy.image, lbbench: lbbench.image };
    this.#kindImages = [proxy, lbbench];
  }

  async open(signal: AbortSignal): Promise<KubeConfig> {
    const { runner, progress, repoRoot } = this.options;
    const spec = this.scenario.kind;
    checkBuildInputs(repoRoot, this.#kindImages);
    const dir = await mkdtemp(join(this.options.tempDir ?? tmpdir(), 'lbbench-kind-'));
    this.#state = { phase: 'preparing', dir };
    progress.step('Checking kind and Docker');
    this.#versions = await checkKindPrerequisites(runner, signal);
    const exists = (await listKindClusters(runner, signal)).includes(spec.clusterName);
    if (exists && !spec.reuse) {
      throw new ClusterError(
        `a kind cluster named ${spec.clusterName} already exists. Set kind.reuse: true to use it (lbbench will then never delete it), choose another kind.clusterName, or delete it with \`kind delete cluster --name ${spec.clusterName}\`.`,
      );
    }
    await buildImages(this.#kindImages, { runner, repoRoot, progress, signal });
    const kubeconfigPath = join(dir, 'kubeconfig');
    if (exists) {
      progress.step(`Reusing kind cluster ${spec.clusterName}`);
      this.#state = { phase: 'reused', dir };
    } else {
      progress.step(`Creating kind cluster ${spec.clusterName} (1 control plane, ${spec.workers} workers)`);
      const templates = await readManifestTemplates(repoRoot);
      const configYaml = stringify(renderKindConfig(templates.kindConfig, spec));
      await createKindCluster(runner, spec, configYaml, { signal, dir, kubeconfigPath });
      // Only now is the cluster ours to delete: a failed create must never delete someone else's cluster.
      this.#state = { phase: 'created', dir };
    }
    for (const image of this.#kindImages) {
      await loadImage(image, {
        runner,
        clusterName: spec.clusterName,
        archivePath: join(dir, 'image.tar'),
        progress,
        signal,
      });
    }
    const kubeconfig = await runSpec(runner, getKubeconfigCommand(spec.clusterName), signal);
    await writeFile(kubeconfigPath, kubeconfig.stdout, { encoding: 'utf8', mode: 0o600 });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(kubeconfig.stdout);
    return kubeConfig;
  }

  deletesObjects(): boolean {
    // Objects in a cluster about to be deleted need no deleting; in a reused one they do.
    return this.#state.phase !== 'created' || this.options.keep;
  }

  async close(): Promise<void> {
    const state = this.#state;
    this.#state = { phase: 'closed' };
    if (state.phase === 'idle' || state.phase === 'closed') return;
    const { keep, progress } = this.options;
    const kubeconfigPath = join(state.dir, 'kubeconfig');
    if (keep && state.phase !== 'preparing') {
      progress.step(
        `Kept kind cluster ${this.scenario.kind.clusterName}. Reach it with: export KUBECONFIG=${kubeconfigPath}`,
      );
      return;
    }
    try {
      if (state.phase === 'created') await this.#deleteCluster(kubeconfigPath);
    } finally {
      await rm(state.dir, { recursive: true, force: true });
    }
  }

  describeTarget(): string {
    return `context "kind-${this.scenario.kind.clusterName}" (from the private kubeconfig)`;
  }

  planOpen(): PlanStep[] {
    const spec = this.scenario.kind;
    const kubeconfigPath = `${TEMP_DIR_PLACEHOLDER}/kubeconfig`;
    const onlyIfCreated = spec.reuse ? ' (skipped when the cluster exists and kind.reuse is set)' : '';
    return [
      toPlanStep(kindVersionCommand()),
      toPlanStep(dockerVersionCommand()),
      toPlanStep(
        getClustersCommand(),
        spec.reuse ? ' (reuse the cluster if listed)' : ' (stop if the cluster already exists)',
      ),
      ...planBuilds(this.#kindImages, this.options.repoRoot),
      {
        kind: 'manifest',
        title: `Write the kind config to ${TEMP_DIR_PLACEHOLDER}/kind-config.yaml${onlyIfCreated}`,
        action: 'file',
        yaml: '(cluster/kind-config.yaml with name and workers filled in)\n',
      },
      toPlanStep(
        createClusterCommand(spec, `${TEMP_DIR_PLACEHOLDER}/kind-config.yaml`, kubeconfigPath),
        onlyIfCreated,
      ),
      ...planLoads(this.#kindImages, spec.clusterName, `${TEMP_DIR_PLACEHOLDER}/image.tar`),
      toPlanStep(
        getKubeconfigCommand(spec.clusterName),
        ` (saved to ${kubeconfigPath}; your kubeconfig is not touched)`,
      ),
    ];
  }

  planClose(): PlanStep[] {
    const spec = this.scenario.kind;
    if (this.options.keep) {
      return [
        {
          kind: 'action',
          title: `Keep the cluster; print \`export KUBECONFIG=${TEMP_DIR_PLACEHOLDER}/kubeconfig\``,
        },
      ];
    }
    return [
      toPlanStep(
        deleteClusterCommand(spec.clusterName, `${TEMP_DIR_PLACEHOLDER}/kubeconfig`),
        spec.reuse ? ' (only if lbbench created it)' : '',
      ),
    ];
  }

  details(): Readonly<Record<string, string>> {
    return {
      clusterName: this.scenario.kind.clusterName,
      clusterReused: String(this.#state.phase === 'reused'),
      ...this.#versions,
    };
  }

  async #deleteCluster(kubeconfigPath: string): Promise<void> {
    const { clusterName } = this.scenario.kind;
    this.options.progress.step(`Deleting kind cluster ${clusterName}`);
    const timeout = AbortSignal.timeout(DELETE_CLUSTER_TIMEOUT_MS);
    try {
      await runSpec(this.options.runner, deleteClusterCommand(clusterName, kubeconfigPath), timeout);
    } catch (error) {
      const reason = timeout.aborted
        ? `it did not finish within ${DELETE_CLUSTER_TIMEOUT_MS / 1000} s`
        : error instanceof Error
          ? error.message
          : String(error);
      this.options.progress.warn(
        `Could not delete kind cluster ${clusterName}: ${reason}. Delete it with \`kind delete cluster --name ${clusterName}\`.`,
      );
    }
  }
}

/**
 * Creates the `kind` backend: a Kubernetes backend on a kind cluster it creates first (or reuses with
 * `kind.reuse`). The cluster is deleted in `down()`, after a failed `up()` and after an abort, unless `keep` or
 * it was reused.
 * @throws UsageError for a scenario field the backend cannot honour (before anything runs).
 */
export function createKindBackend(scenario: Scenario, options: KindBackendOptions): KubeBackend {
  refuseUnhonouredFields(scenario, 'kind');
  return new KubeBackend(scenario, new KindCluster(scenario, options), options);
}
