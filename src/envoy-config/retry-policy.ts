import { isMap, isSeq } from 'yaml';
import type { Document, YAMLMap } from 'yaml';
import { ProxyError } from '../errors.js';
import type { RetrySettings } from '../scenario/types.js';

const PREVIOUS_HOSTS_NAME = 'envoy.retry_host_predicates.previous_hosts';
const PREVIOUS_HOSTS_TYPE_URL =
  'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate';

/** Items of a YAML sequence node, or none. */
function itemsOf(node: unknown): readonly unknown[] {
  return isSeq(node) ? node.items : [];
}

/**
 * The route actions of every http_connection_manager in a rendered Envoy config, each with whether its filter uses
 * the v3 `typed_config` (else the v2 `config`).
 */
function findRouteActions(doc: Document): { action: YAMLMap; isV3: boolean }[] {
  const actions: { action: YAMLMap; isV3: boolean }[] = [];
  for (const listener of itemsOf(doc.getIn(['static_resources', 'listeners']))) {
    if (!isMap(listener)) continue;
    for (const chain of itemsOf(listener.get('filter_chains'))) {
      if (!isMap(chain)) continue;
      for (const filter of itemsOf(chain.get('filters'))) {
        if (!isMap(filter)) continue;
        const typed = filter.get('typed_config');
        const settings = isMap(typed) ? typed : filter.get('config');
        const routeConfig = isMap(settings) ? settings.get('route_config') : undefined;
        const virtualHosts = isMap(routeConfig) ? routeConfig.get('virtual_hosts') : undefined;
        for (const virtualHost of itemsOf(virtualHosts)) {
          if (!isMap(virtualHost)) continue;
          for (const route of itemsOf(virtualHost.get('routes'))) {
            const action = isMap(route) ? route.get('route') : undefined;
            if (isMap(action)) actions.push({ action, isV3: isMap(typed) });
          }
        }
      }
    }
  }
  return actions;
}

/** Envoy's `retry_policy` for `retries`, in the v3 or v2 shape (the predicate's typed_config exists only in v3). */
function buildRetryPolicy(retries: RetrySettings, isV3: boolean): Record<string, unknown> {
  const predicate = isV3
    ? { name: PREVIOUS_HOSTS_NAME, typed_config: { '@type': PREVIOUS_HOSTS_TYPE_URL } }
    : { name: PREVIOUS_HOSTS_NAME };
  return {
    retry_on: retries.retryOn.join(','),
    num_retries: retries.numRetries,
    ...(retries.perTryTimeoutMs === undefined
      ? {}
      : { per_try_timeout: `${retries.perTryTimeoutMs / 1000}s` }),
    ...(retries.previousHosts ? { retry_host_predicate: [predicate] } : {}),
    host_selection_retry_max_attempts: retries.hostSelectionRetryMaxAttempts,
  };
}

/**
 * Sets the row's retry settings as the `retry_policy` of every route of the rendered config (replacing one the
 * template had), so the bundled proxy and a real Envoy retry the same way.
 * @throws ProxyError naming `file` when the config has no route to put it on.
 */
export function setRetryPolicy(doc: Document, retries: RetrySettings, file: string): void {
  const actions = findRouteActions(doc);
  if (actions.length === 0) {
    throw new ProxyError(
      `${file}: no route (static_resources.listeners[].filter_chains[].filters[].route_config.virtual_hosts[].routes[].route) to set the scenario's retry_policy on`,
    );
  }
  for (const { action, isV3 } of actions) {
    action.set('retry_policy', doc.createNode(buildRetryPolicy(retries, isV3)));
  }
}
