import { KubeConfig } from '@kubernetes/client-node';
import { UsageError } from '../../errors.js';

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
