import { UsageError } from '../errors.js';
import { resolveProxyMain } from 'lbbench-proxy';
import { getPackageRoot } from '../package-root.js';
import type { ProgressSink } from '../progress.js';
import type { Scenario } from '../scenario/types.js';
import type { Backend } from './backend.js';

/** A backend ready to go up, and how to show what it would do without doing it (kind and kube only). */
export interface PreparedBackend {
  readonly backend: Backend;
  readonly plan: (() => Promise<string>) | undefined;
}

/** What every backend may need from the command that creates it. */
export interface CreateBackendOptions {
  readonly outDir: string;
  readonly progress: ProgressSink;
  /** kind: keep the cluster after the run. */
  readonly keep: boolean;
}

/**
 * Creates the scenario's backend. The Kubernetes backends are imported lazily: they pull in execa and the
 * Kubernetes client, which the default local run does not need.
 * @throws UsageError for `sim`, which has no backend (the simulator runs instead).
 */
export async function createBackend(
  scenario: Scenario,
  options: CreateBackendOptions,
): Promise<PreparedBackend> {
  switch (scenario.backend) {
    case 'local': {
      const { createLocalBackend } = await import('./local/local-backend.js');
      const backend = createLocalBackend(scenario, {
        outDir: options.outDir,
        progress: options.progress,
        proxyEntry: resolveProxyMain(),
      });
      return { backend, plan: undefined };
    }
    case 'kind': {
      const [{ createKindBackend }, { createExecaRunner }, { formatPlan }] = await Promise.all([
        import('./kind/kind-backend.js'),
        import('./exec.js'),
        import('./kube/plan.js'),
      ]);
      const backend = createKindBackend(scenario, {
        runner: createExecaRunner(),
        progress: options.progress,
        keep: options.keep,
        repoRoot: getPackageRoot(),
      });
      return { backend, plan: async () => formatPlan(await backend.plan()) };
    }
    case 'kube': {
      const [{ createKubeBackend }, { loadKubeConfig }, { formatPlan }] = await Promise.all([
        import('./kube/existing-cluster.js'),
        import('./kube/kube-context.js'),
        import('./kube/plan.js'),
      ]);
      const backend = createKubeBackend(scenario, {
        kubeConfig: loadKubeConfig(scenario.kube.context),
        progress: options.progress,
        keep: options.keep,
        repoRoot: getPackageRoot(),
      });
      return { backend, plan: async () => formatPlan(await backend.plan()) };
    }
    case 'sim':
      throw new UsageError('the sim backend has no processes to start; run `lbbench sim` instead');
  }
}
