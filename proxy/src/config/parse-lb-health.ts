import type { ClusterConfig } from '../types.js';
import { CLUSTER_DEFAULTS } from './defaults.js';
import { CLUSTER_SCHEMAS } from './cluster-schemas.js';
import { joinPath, type ReadContext } from './read-context.js';
import {
  isRecord,
  readChildMapping,
  readInteger,
  readMapping,
  readNumber,
  type Mapping,
} from './read-fields.js';

/** The host-health part of a cluster's balancing: when it panics. */
export type LbHealthSettings = Pick<ClusterConfig, 'healthyPanicThreshold' | 'overprovisioningFactor'>;

/**
 * Reads `common_lb_config.healthy_panic_threshold` (a Percent `{value}`, 0 to 100; Envoy's default 50) and
 * `load_assignment.policy.overprovisioning_factor` (default 140), which together decide when unhealthy
 * hosts put the cluster in panic.
 */
export function readLbHealthSettings(
  cluster: Mapping,
  common: Mapping | undefined,
  context: ReadContext,
): LbHealthSettings {
  const threshold =
    common === undefined
      ? undefined
      : readChildMapping(common, 'healthy_panic_threshold', context, CLUSTER_SCHEMAS.percent);
  const panicValue = threshold === undefined ? undefined : readNumber(threshold, 'value', context);
  const assignment = cluster.fields.load_assignment;
  const policyValue = isRecord(assignment) ? assignment.policy : undefined;
  const policy =
    policyValue === undefined
      ? undefined
      : readMapping(
          policyValue,
          joinPath(joinPath(cluster.path, 'load_assignment'), 'policy'),
          context,
          CLUSTER_SCHEMAS.loadAssignmentPolicy,
        );
  const factor =
    policy === undefined
      ? undefined
      : readInteger(policy, 'overprovisioning_factor', context, { min: 1, max: 4_294_967_295 });
  return {
    healthyPanicThreshold:
      panicValue === undefined
        ? CLUSTER_DEFAULTS.healthyPanicThreshold
        : Math.min(100, Math.max(0, panicValue)),
    overprovisioningFactor: factor ?? CLUSTER_DEFAULTS.overprovisioningFactor,
  };
}
