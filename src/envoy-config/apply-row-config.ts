import type { Document } from 'yaml';
import { LbbenchError } from '../errors.js';
import type { EnvoyPolicyEntry, Scenario } from '../scenario/types.js';
import { selectHashHeader, setKeyHashPolicy } from './hash-policy.js';
import { setEnvoyLbSettings } from './lb-settings.js';
import { resolveHealthSettings, setHealthSettings } from './outlier-detection.js';
import { setRetryPolicy } from './retry-policy.js';
import { resolveRowRetries } from '../scenario/row-retries.js';
import { findServiceClusters, type YamlPath } from './service-clusters.js';

/** Where a rendered config is going: the Service name its clusters reach the pods by, and its file for messages. */
export interface RowConfigTarget {
  /** The address of the endpoints that stand for the pods (`myapp`, or the Service's cluster DNS name). */
  readonly serviceName: string;
  /** The template or file the config came from, for messages. */
  readonly sourceName: string;
}

/**
 * Sets a row's settings on a rendered Envoy config (v2 or v3 static shape), in place: on every cluster that reaches
 * the Service, the row's `lb_policy` and each setting in Envoy's own field; on every route the row's `retry_policy`;
 * for a RING_HASH or MAGLEV row of a scenario with `load.keys`, the key header as the `hash_policy` of the routes to
 * those clusters (a route's own `hash_policy` wins). Every backend calls this one function on the config it deploys
 * for the row, whatever template that config came from. The scenario holds the scenario-wide settings (outlier
 * detection, health checks, retries, keys).
 * @throws LbbenchError `LBB_PROXY_CONFIG_INVALID` when no cluster has an endpoint with the Service name, or when a
 * hashing row has keys but no route sends to the Service's clusters.
 */
export function applyRowConfig(
  doc: Document,
  row: EnvoyPolicyEntry,
  scenario: Scenario,
  target: RowConfigTarget,
): void {
  const clusters = findServiceClusters(doc, target.serviceName);
  if (clusters.length === 0) {
    throw new LbbenchError(
      'LBB_PROXY_CONFIG_INVALID',
      `${target.sourceName}: static_resources.clusters: no endpoint has address "${target.serviceName}" ` +
        `(the Service name); the cluster must reach the pods by that name to run row ${row.name}`,
    );
  }
  for (const clusterPath of clusters) {
    setEnvoyLbSettings(doc, clusterPath, row);
    setHealthSettings(doc, clusterPath, resolveHealthSettings(row, scenario.proxy));
  }
  const retries = resolveRowRetries(row, scenario.proxy.retries);
  if (retries !== undefined) setRetryPolicy(doc, retries, target.sourceName);
  const hashHeader = selectHashHeader(row.policy, scenario.load.keys);
  if (hashHeader !== undefined) setRowHashPolicy(doc, clusters, hashHeader, { row, target });
}

/**
 * Hashes the row's requests on the key header: without a route to the Service's clusters the keys would reach the
 * balancer without a hash, so that is an error rather than a row that silently hashes nothing.
 */
function setRowHashPolicy(
  doc: Document,
  clusters: readonly YamlPath[],
  hashHeader: string,
  context: { readonly row: EnvoyPolicyEntry; readonly target: RowConfigTarget },
): void {
  const names = clusters.flatMap((path) => {
    const name: unknown = doc.getIn([...path, 'name']);
    return typeof name === 'string' ? [name] : [];
  });
  const count = setKeyHashPolicy(doc, new Set(names), hashHeader);
  if (count.patched + count.kept > 0) return;
  throw new LbbenchError(
    'LBB_PROXY_CONFIG_INVALID',
    `${context.target.sourceName}: no route sends to cluster ${names.map((name) => `"${name}"`).join(', ') || '(unnamed)'}, ` +
      `so row ${context.row.name} cannot hash on load.keys.header "${hashHeader}"; ` +
      'route to the cluster with route.cluster (or route.weighted_clusters)',
  );
}
