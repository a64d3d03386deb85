import { DNS_LOOKUP_FAMILIES, type ClusterConfig, type ClusterType, type SocketAddress } from '../types.js';
import { isIpLiteral } from './address-syntax.js';
import { withTypeUrl } from './field-schemas.js';
import { readAddressValue } from './parse-address.js';
import { CLUSTER_DEFAULTS, DNS_FAILURE_MAX_INTERVAL_FACTOR } from './defaults.js';
import { CLUSTER_DNS_FIELDS, CLUSTER_SCHEMAS } from './cluster-schemas.js';
import { joinPath, reportIgnored, reportIssue, type ReadContext } from './read-context.js';
import {
  hasField,
  readBoolean,
  readChildMapping,
  readDurationMs,
  readEnum,
  readList,
  readString,
  type Mapping,
} from './read-fields.js';

/** The DNS part of a {@link ClusterConfig}. */
export type DnsSettings = Pick<
  ClusterConfig,
  | 'dnsLookupFamily'
  | 'dnsRefreshRateMs'
  | 'dnsJitterMs'
  | 'respectDnsTtl'
  | 'dnsFailureRefreshRate'
  | 'dnsResolvers'
>;

const CARES_RESOLVER = {
  name: 'envoy.network.dns_resolver.cares',
  typeUrl: 'type.googleapis.com/envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig',
} as const;
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

/** Reads a list of resolver addresses, each an IP with a port. */
function readResolverList(mapping: Mapping, key: string, context: ReadContext): SocketAddress[] {
  const resolvers: SocketAddress[] = [];
  for (const item of readList(mapping, key, context) ?? []) {
    const resolver = readAddressValue(item.value, item.path, context, 1);
    if (resolver === undefined) continue;
    if (!isIpLiteral(resolver.address)) {
      reportIssue(
        context,
        resolver.addressPath,
        `must be an IP address, got ${JSON.stringify(resolver.address)}`,
      );
      continue;
    }
    resolvers.push({ address: resolver.address, portValue: resolver.portValue });
  }
  return resolvers;
}

/**
 * The cluster's own DNS servers: v2 `dns_resolvers`, or v3 `typed_dns_resolver_config` naming the c-ares
 * resolver (the only one lbbench-proxy has, as it resolves with c-ares like Envoy).
 */
function readDnsResolvers(cluster: Mapping, context: ReadContext): readonly SocketAddress[] {
  if (hasField(cluster, 'dns_resolvers') && hasField(cluster, 'typed_dns_resolver_config')) {
    reportIssue(
      context,
      cluster.path,
      'set either dns_resolvers (v2) or typed_dns_resolver_config (v3), not both',
    );
    return [];
  }
  if (hasField(cluster, 'dns_resolvers')) return readResolverList(cluster, 'dns_resolvers', context);
  const typed = readChildMapping(
    cluster,
    'typed_dns_resolver_config',
    context,
    CLUSTER_SCHEMAS.typedDnsResolverConfig,
  );
  if (typed === undefined) return [];
  const name = readString(typed, 'name', context);
  if (name !== undefined && name !== CARES_RESOLVER.name) {
    const message = `must be "${CARES_RESOLVER.name}" (lbbench-proxy resolves with c-ares), got ${JSON.stringify(name)}`;
    reportIssue(context, joinPath(typed.path, 'name'), message);
  }
  const config = readChildMapping(
    typed,
    'typed_config',
    context,
    withTypeUrl(CLUSTER_SCHEMAS.caresDnsResolverConfig),
    {
      isRequired: true,
    },
  );
  if (config === undefined) return [];
  const typeUrl = config.fields['@type'];
  if (typeUrl !== CARES_RESOLVER.typeUrl) {
    const message = `must be "${CARES_RESOLVER.typeUrl}", got ${typeUrl === undefined ? 'none' : JSON.stringify(typeUrl)}`;
    reportIssue(context, joinPath(config.path, '@type'), message);
  }
  return readResolverList(config, 'resolvers', context);
}

/** Reads a cluster's DNS settings with Envoy's defaults; on a STATIC cluster they are accepted and ignored. */
export function readDnsSettings(cluster: Mapping, type: ClusterType, context: ReadContext): DnsSettings {
  if (type === 'STATIC') {
    for (const key of CLUSTER_DNS_FIELDS.filter((field) => hasField(cluster, field)))
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
    dnsResolvers: readDnsResolvers(cluster, context),
  };
}
