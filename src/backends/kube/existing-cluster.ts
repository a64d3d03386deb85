import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterError, UsageError } from '../../errors.js';
import type { Scenario } from '../../scenario/types.js';
import { refuseUnhonouredFields } from './check-scenario.js';
import type { ClusterAccess } from './cluster-access.js';
import { ENVOY_IMAGE } from './envoy-config.js';
import { describeKubeTarget, isMissingKubeConfig, NO_KUBECONFIG } from './kube-api.js';
import { KubeBackend, type KubeBackendOptions } from './kube-backend.js';
import { selectKubeContext } from './kube-context.js';

/** What the proxy image is called when no row runs the Envoy-style proxy (and none is deployed). */
const NO_PROXY_IMAGE = 'none (no Envoy-style row)';

function resolveKubeProxyImage(scenario: Scenario): string {
  if (!scenario.policies.some((row) => row.proxy === 'envoy')) return NO_PROXY_IMAGE;
  if (scenario.proxy.kind === 'envoy') {
    return scenario.proxy.image ?? ENVOY_IMAGE;
  }
  if (scenario.proxy.image === undefined) {
    throw new UsageError(
      '--backend kube needs the image of the bundled proxy: pass --proxy-image REGISTRY/lbbench-proxy:TAG, an image ' +
        'the cluster can pull (build it with `docker build -t REGISTRY/lbbench-proxy:TAG proxy` and push it). ' +
        'Or use --proxy envoy, or --backend kind, which builds and loads the image itself.',
    );
  }
  return scenario.proxy.image;
}

/** An existing cluster from the kubeconfig: nothing is created but the namespace's objects. */
class ExistingCluster implements ClusterAccess {
  readonly backend = 'kube';
  readonly images: { readonly proxy: string; readonly lbbench: string };
  private readonly kubeConfig: KubeConfig;
  private readonly keep: boolean;

  constructor(kubeConfig: KubeConfig, scenario: Scenario, keep: boolean) {
    this.kubeConfig = kubeConfig;
    this.keep = keep;
    this.images = { proxy: resolveKubeProxyImage(scenario), lbbench: scenario.kube.image ?? '' };
  }

  open(): Promise<KubeConfig> {
    if (isMissingKubeConfig(this.kubeConfig)) return Promise.reject(new ClusterError(NO_KUBECONFIG));
    return Promise.resolve(this.kubeConfig);
  }

  deletesObjects(): boolean {
    return !this.keep;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  describeTarget(): string {
    return describeKubeTarget(this.kubeConfig);
  }

  planOpen(): [] {
    return [];
  }

  planClose(): [] {
    return [];
  }

  details(): Readonly<Record<string, string>> {
    return { context: this.kubeConfig.getCurrentContext() };
  }
}

/**
 * Creates the `kube` backend: an existing cluster reached through `kubeConfig` (its current context, or the
 * scenario's `kube.context`). It creates the namespace (if missing) and lbbench's objects, and deletes what it
 * created in `down()` unless `keep`.
 * @throws UsageError for a field the backend cannot honour, a missing image, or an unknown `kube.context`.
 */
export function createKubeBackend(
  scenario: Scenario,
  options: KubeBackendOptions & { readonly kubeConfig: KubeConfig },
): KubeBackend {
  refuseUnhonouredFields(scenario, 'kube');
  const kubeConfig = selectKubeContext(options.kubeConfig, scenario.kube.context);
  return new KubeBackend(scenario, new ExistingCluster(kubeConfig, scenario, options.keep), options);
}
