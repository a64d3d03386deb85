import { KubeConfig } from '@kubernetes/client-node';
import { ClusterError, UsageError } from '../../errors.js';
import type { Scenario } from '../../scenario/types.js';
import { ENVOY_IMAGE } from './envoy-config.js';
import { describeKubeTarget, isMissingKubeConfig, NO_KUBECONFIG } from './kube-api.js';
import { planKubeWorkload } from './kube-plan.js';
import type { KubeWorkload } from './kube-workload.js';
import {
  bringUpOrTearDown,
  createLayerWorkload,
  forwardToWorkload,
  getUpstreamImage,
  loadLayerConfig,
  type KubeLayerOptions,
  type KubernetesBackend,
} from './workload-backend.js';

/** Options of {@link createKubeBackend}. */
export interface KubeBackendOptions extends KubeLayerOptions {
  /** The cluster to use: its current context, unless the scenario's `kube.context` names another. */
  readonly kubeConfig: KubeConfig;
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

function resolveKubeProxyImage(scenario: Scenario): string {
  if (scenario.proxy.kind === 'envoy') {
    return scenario.proxy.image ?? ENVOY_IMAGE;
  }
  if (scenario.proxy.image === undefined) {
    throw new UsageError(
      '--backend kube needs the image of the bundled proxy: pass --proxy-image REGISTRY/lbbench-proxy:TAG, an image ' +
        'the cluster can pull (build it with `docker build -t REGISTRY/lbbench-proxy:TAG proxy` and ' +
        'push it). Or use --proxy envoy, or --backend kind, which builds and loads the image itself.',
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
  let workload: KubeWorkload | undefined;
  let downPromise: Promise<void> | undefined;
  const down = (): Promise<void> =>
    workload === undefined ? Promise.resolve() : (downPromise ??= workload.down({ deleteObjects: !keep }));

  return {
    kind: 'kube',
    up: async (signal) => {
      if (isMissingKubeConfig(kubeConfig)) throw new ClusterError(NO_KUBECONFIG);
      const config = await loadLayerConfig(scenario, options, proxyImage);
      const created = createLayerWorkload(options, kubeConfig, config);
      workload = created;
      await bringUpOrTearDown(() => created.up(signal), down);
    },
    ...forwardToWorkload('kube', () => workload, scenario.replicas),
    down,
    environment: () => ({
      backend: 'kube',
      upstreamServer: getUpstreamImage(options),
      details: workload?.details() ?? {
        context: kubeConfig.getCurrentContext(),
        namespace: scenario.kube.namespace,
      },
    }),
    plan: async () =>
      planKubeWorkload(await loadLayerConfig(scenario, options, proxyImage), {
        target: describeKubeTarget(kubeConfig),
        policies: scenario.policies,
        repetitions: scenario.repetitions,
        events: scenario.events,
        deleteObjects: !keep,
      }),
  };
}
