import { DNS_LOOKUP_FAMILIES, type ClusterConfig, type ClusterType } from '../types.js';
import { CLUSTER_DEFAULTS, DNS_FAILURE_MAX_INTERVAL_FACTOR } from './defaults.js';
import { CLUSTER_SCHEMAS } from './cluster-schemas.js';
import { joinPath, reportIgnored, reportIssue, type ReadContext } from './read-context.js';
import {
  hasField,
  readBoolean,
  readChildMapping,
  readDurationMs,
  readEnum,
  type Mapping,
} from './read-fields.js';

/** The DNS part of a {@link ClusterConfig}. */
export type DnsSettings = Pick<
  ClusterConfig,
  'dnsLookupFamily' | 'dnsRefreshRateMs' | 'dnsJitterMs' | 'respectDnsTtl' | 'dnsFailureRefreshRate'
>;

const DNS_FIELDS = [
  'dns_lookup_family',
  'dns_refresh_rate',
  'dns_jitter',
  'respect_dns_ttl',
  'dns_failure_refresh_rate',
];
// Envoy's API validation: refresh intervals must be longer than 1 ms (`gt: {nanos: 1000000}`).
const MIN_EXCLUSIVE_REFRESH_MS = 1;

function readFailureRefreshRate(
  cluster: Mapping,
  context: ReadContext,
): DnsSettings['dnsFailureRefreshRate'] {
  const rate = readChildMapping(
    cluster,
    'dns_failure_refresh_rate',
    context,
    CLUSTER_SCHEMAS.dnsFailureRefreshRate,
  );
  if (rate === undefined) return undefined;
  const options = { minExclusiveMs: MIN_EXCLUSIVE_REFRESH_MS };
  const baseIntervalMs = readDurationMs(rate, 'base_interval', context, { ...options, isRequired: true });
  const maxIntervalMs = readDurationMs(rate, 'max_interval', context, options);
  if (baseIntervalMs === undefined) return undefined;
  if (maxIntervalMs !== undefined && maxIntervalMs < baseIntervalMs) {
    const message = `must not be shorter than base_interval (${baseIntervalMs}ms), got ${maxIntervalMs}ms`;
    reportIssue(context, joinPath(rate.path, 'max_interval'), message);
  }
  return { baseIntervalMs, maxIntervalMs: maxIntervalMs ?? baseIntervalMs * DNS_FAILURE_MAX_INTERVAL_FACTOR };
}

/** Reads a cluster's DNS settings with Envoy's defaults; on a STATIC cluster they are accepted and ignored. */
export function readDnsSettings(cluster: Mapping, type: ClusterType, context: ReadContext): DnsSettings {
  if (type === 'STATIC') {
    for (const key of DNS_FIELDS.filter((field) => hasField(cluster, field)))
      reportIgnored(context, joinPath(cluster.path, key));
  }
  const refreshOptions = { minExclusiveMs: MIN_EXCLUSIVE_REFRESH_MS };
  return {
    dnsLookupFamily:
      readEnum(cluster, 'dns_lookup_family', context, DNS_LOOKUP_FAMILIES) ??
      CLUSTER_DEFAULTS.dnsLookupFamily,
    dnsRefreshRateMs:
      readDurationMs(cluster, 'dns_refresh_rate', context, refreshOptions) ??
      CLUSTER_DEFAULTS.dnsRefreshRateMs,
    dnsJitterMs: readDurationMs(cluster, 'dns_jitter', context) ?? CLUSTER_DEFAULTS.dnsJitterMs,
    respectDnsTtl: readBoolean(cluster, 'respect_dns_ttl', context) ?? CLUSTER_DEFAULTS.respectDnsTtl,
    dnsFailureRefreshRate: readFailureRefreshRate(cluster, context),
  };
}
