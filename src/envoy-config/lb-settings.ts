import type { Document } from 'yaml';
import type { EnvoyPolicyEntry, SlowStartSettings } from '../scenario/types.js';
import type { YamlPath } from './service-clusters.js';

/**
 * The runtime keys of the `RuntimeDouble` fields lbbench writes. Envoy reads a runtime override under that key when
 * there is one (lbbench never sets one), else `default_value`; its v3 API requires the key to be set.
 */
const RUNTIME_KEYS = {
  activeRequestBias: 'lbbench.active_request_bias',
  aggression: 'lbbench.slow_start_aggression',
} as const;

/**
 * Sets a row's load-balancer settings on one cluster: `lb_policy`; `least_request_lb_config.choice_count` and
 * `.active_request_bias`; `ring_hash_lb_config.minimum_ring_size`; and `slow_start_config` under
 * `round_robin_lb_config` or `least_request_lb_config`. A setting the row leaves out is not written, so Envoy's
 * default (or the template's own value) stands.
 */
export function setEnvoyLbSettings(doc: Document, clusterPath: YamlPath, row: EnvoyPolicyEntry): void {
  const { choiceCount, activeRequestBias, minimumRingSize, slowStart } = row.settings;
  doc.setIn([...clusterPath, 'lb_policy'], row.policy);
  const leastRequest = [...clusterPath, 'least_request_lb_config'];
  if (choiceCount !== undefined) doc.setIn([...leastRequest, 'choice_count'], choiceCount);
  if (activeRequestBias !== undefined) {
    doc.setIn(
      [...leastRequest, 'active_request_bias'],
      doc.createNode({ default_value: activeRequestBias, runtime_key: RUNTIME_KEYS.activeRequestBias }),
    );
  }
  if (minimumRingSize !== undefined) {
    doc.setIn([...clusterPath, 'ring_hash_lb_config', 'minimum_ring_size'], minimumRingSize);
  }
  if (slowStart !== undefined) {
    const lbConfig = row.policy === 'ROUND_ROBIN' ? 'round_robin_lb_config' : 'least_request_lb_config';
    doc.setIn([...clusterPath, lbConfig, 'slow_start_config'], doc.createNode(toSlowStartConfig(slowStart)));
  }
}

/** Envoy's `SlowStartConfig` of the settings; the window in the Duration JSON form (`"10s"`, `"0.5s"`). */
function toSlowStartConfig(slowStart: SlowStartSettings): Record<string, unknown> {
  return {
    slow_start_window: `${slowStart.windowMs / 1000}s`,
    aggression: { default_value: slowStart.aggression, runtime_key: RUNTIME_KEYS.aggression },
    min_weight_percent: { value: slowStart.minWeightPercent },
  };
}
