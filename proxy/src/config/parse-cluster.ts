import { CLUSTER_TYPES, LB_POLICIES, type ClusterConfig } from '../types.js';
import { CLUSTER_DEFAULTS } from './defaults.js';
import { CLUSTER_SCHEMAS } from './cluster-schemas.js';
import { readCircuitBreakers } from './parse-circuit-breakers.js';
import { readDnsSettings } from './parse-dns-settings.js';
import { readClusterEndpoints } from './parse-endpoints.js';
import { readHealthChecks } from './parse-health-checks.js';
import { readLbHealthSettings } from './parse-lb-health.js';
import { readLbSettings } from './parse-lb-settings.js';
import { readOutlierDetection } from './parse-outlier-detection.js';
import { readUpstreamRequestCap } from './parse-protocol-options.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import {
  readBoolean,
  readChildMapping,
  readDurationMs,
  readEnum,
  readList,
  readMapping,
  readString,
  type ListItem,
  type Mapping,
} from './read-fields.js';

function readCloseOnHostSetChange(common: Mapping | undefined, context: ReadContext): boolean {
  const value =
    common === undefined ? undefined : readBoolean(common, 'close_connections_on_host_set_change', context);
  return value ?? CLUSTER_DEFAULTS.closeConnectionsOnHostSetChange;
}

function readCluster(item: ListItem, context: ReadContext): ClusterConfig | undefined {
  const cluster = readMapping(item.value, item.path, context, CLUSTER_SCHEMAS.cluster);
  if (cluster === undefined) return undefined;
  const name = readString(cluster, 'name', context, { isRequired: true });
  const type = readEnum(cluster, 'type', context, CLUSTER_TYPES) ?? CLUSTER_DEFAULTS.type;
  const lbPolicy = readEnum(cluster, 'lb_policy', context, LB_POLICIES) ?? CLUSTER_DEFAULTS.lbPolicy;
  const connectTimeoutMs = readDurationMs(cluster, 'connect_timeout', context, { minExclusiveMs: 0 });
  const maxRequests = readUpstreamRequestCap(cluster, context);
  const common = readChildMapping(cluster, 'common_lb_config', context, CLUSTER_SCHEMAS.commonLbConfig);
  const config: Omit<ClusterConfig, 'name'> = {
    type,
    lbPolicy,
    connectTimeoutMs: connectTimeoutMs ?? CLUSTER_DEFAULTS.connectTimeoutMs,
    endpoints: readClusterEndpoints(cluster, type, context),
    ...readDnsSettings(cluster, type, context),
    circuitBreakers: readCircuitBreakers(cluster, context),
    ...readLbSettings(cluster, lbPolicy, context),
    maxRequestsPerConnection: maxRequests ?? CLUSTER_DEFAULTS.maxRequestsPerConnection,
    closeConnectionsOnHostSetChange: readCloseOnHostSetChange(common, context),
    outlierDetection: readOutlierDetection(cluster, context),
    healthCheck: readHealthChecks(cluster, context),
    ignoreNewHostsUntilFirstHc:
      (common === undefined ? undefined : readBoolean(common, 'ignore_new_hosts_until_first_hc', context)) ??
      CLUSTER_DEFAULTS.ignoreNewHostsUntilFirstHc,
    ignoreHealthOnHostRemoval:
      readBoolean(cluster, 'ignore_health_on_host_removal', context) ??
      CLUSTER_DEFAULTS.ignoreHealthOnHostRemoval,
    ...readLbHealthSettings(cluster, common, context),
  };
  return name === undefined ? undefined : { name, ...config };
}

/**
 * Reads `static_resources.clusters` with every default filled in, checks that names are unique, and
 * records each cluster's policy in the context for the route checks.
 */
export function readClusters(staticResources: Mapping | undefined, context: ReadContext): ClusterConfig[] {
  const items = staticResources === undefined ? [] : (readList(staticResources, 'clusters', context) ?? []);
  const clusters: ClusterConfig[] = [];
  const firstPaths = new Map<string, string>();
  for (const item of items) {
    const cluster = readCluster(item, context);
    if (cluster === undefined) continue;
    const firstPath = firstPaths.get(cluster.name);
    if (firstPath !== undefined) {
      reportIssue(
        context,
        joinPath(item.path, 'name'),
        `duplicate cluster name "${cluster.name}" (also ${firstPath})`,
      );
      continue;
    }
    firstPaths.set(cluster.name, item.path);
    context.clusterPolicies.set(cluster.name, cluster.lbPolicy);
    clusters.push(cluster);
  }
  return clusters;
}
