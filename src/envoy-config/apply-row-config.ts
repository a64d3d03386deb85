import type { Document } from 'yaml';
import { LbbenchError } from '../errors.js';
import type { EnvoyPolicyEntry, Scenario } from '../scenario/types.js';
import { setEnvoyLbSettings } from './lb-settings.js';
import { resolveHealthSettings, setHealthSettings } from './outlier-detection.js';
import { findServiceClusters } from './service-clusters.js';

/** Where a rendered config is going: the Service name its clusters reach the pods by, and its file for messages. */
export interface RowConfigTarget {
  /** The address of the endpoints that stand for the pods (`myapp`, or the Service's cluster DNS name). */
  readonly serviceName: string;
  /** The template or file the config came from, for messages. */
  readonly sourceName: string;
}

/**
 * Sets a row's settings on a rendered Envoy config (v2 or v3 static shape), in place: on every cluster that reaches
 * the Service, the row's `lb_policy` and each setting in Envoy's own field. Every backend calls this one function
 * on the config it deploys for the row, whatever template that config came from. The scenario holds the scenario-wide
 * settings (outlier detection, health checks).
 * @throws LbbenchError `LBB_PROXY_CONFIG_INVALID` when no cluster has an endpoint with the Service name.
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
  // Every row is an Envoy row so far (`row.proxy` is 'envoy'); rows of other proxies get their own branch here.
  for (const clusterPath of clusters) {
    setEnvoyLbSettings(doc, clusterPath, row);
    setHealthSettings(doc, clusterPath, resolveHealthSettings(row, scenario.proxy));
  }
}
