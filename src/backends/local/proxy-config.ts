import { isMap, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';

import { LbbenchError } from '../../errors.js';
import { setRetryPolicy } from '../../envoy-config/retry-policy.js';
import type { RetrySettings } from '../../scenario/types.js';

/** What the local backend must change in the proxy's config, and nothing more. */
export interface ProxyConfigPatch {
  /** The DNS name of the pods' Service, as the cluster's endpoint address reads (`myapp`). */
  readonly serviceName: string;
  /** The port every pod listens on. */
  readonly podPort: number;
  readonly dnsRefreshRateMs: number;
  readonly respectDnsTtl: boolean;
  /**
   * Also point DNS clusters at this resolver through Envoy's own config fields, for a real Envoy; lbbench-proxy
   * gets `--dns-server` instead, so this stays undefined for it.
   */
  readonly dnsResolver: { readonly address: string; readonly port: number } | undefined;
  /** The row's retries, set as every route's `retry_policy`; undefined leaves the routes as they are. */
  readonly retries: RetrySettings | undefined;
}

type Path = readonly (string | number)[];

const DNS_CLUSTER_TYPES = new Set(['STRICT_DNS', 'LOGICAL_DNS']);
const CARES_RESOLVER_TYPE =
  'type.googleapis.com/envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig';

/**
 * Replaces `${NAME}` with `variables[NAME]`, like `envsubst '$ENVOY_LB_ALG,$SERVICE_NAME'`: a variable that is not
 * in `variables` is left as written.
 */
export function expandTemplateVariables(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => variables[name] ?? whole);
}

/**
 * Patches a rendered Envoy config (v2 or v3 static shape) for the local backend: listeners and admin on
 * `127.0.0.1:0`, the Service's endpoints on the pods' port, and the DNS refresh settings of the scenario.
 * Returns the new YAML text; comments and everything else are kept.
 * @throws LbbenchError `LBB_PROXY_CONFIG_INVALID` when the YAML does not parse or lacks admin, listeners or an
 * endpoint named `serviceName`.
 */
export function patchProxyConfig(yamlText: string, patch: ProxyConfigPatch, sourceName: string): string {
  const doc = parseDocument(yamlText);
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    throw configError(sourceName, `does not parse as YAML: ${firstError.message}`, firstError);
  }
  bindLoopback(doc, ['admin', 'address'], sourceName);
  const listenerCount = countItems(doc, ['static_resources', 'listeners']);
  if (listenerCount === 0) {
    throw configError(sourceName, 'static_resources.listeners: must list at least one listener, got none');
  }
  for (let i = 0; i < listenerCount; i += 1) {
    bindLoopback(doc, ['static_resources', 'listeners', i, 'address'], sourceName);
  }
  const patchedEndpoints = patchClusters(doc, patch);
  if (patchedEndpoints === 0) {
    throw configError(
      sourceName,
      `static_resources.clusters: no endpoint has address "${patch.serviceName}" (the Service name); ` +
        'the cluster must reach the pods by that DNS name',
    );
  }
  if (patch.retries !== undefined) setRetryPolicy(doc, patch.retries, sourceName);
  return doc.toString();
}

function bindLoopback(doc: Document, addressPath: Path, sourceName: string): void {
  if (!isMap(doc.getIn([...addressPath, 'socket_address']))) {
    throw configError(sourceName, `${formatPath(addressPath)}.socket_address: must be a mapping, got none`);
  }
  doc.setIn([...addressPath, 'socket_address', 'address'], '127.0.0.1');
  doc.setIn([...addressPath, 'socket_address', 'port_value'], 0);
}

function patchClusters(doc: Document, patch: ProxyConfigPatch): number {
  let patched = 0;
  const clusterCount = countItems(doc, ['static_resources', 'clusters']);
  for (let i = 0; i < clusterCount; i += 1) {
    const clusterPath: Path = ['static_resources', 'clusters', i];
    const socketPaths = listEndpointSocketPaths(doc, clusterPath).filter(
      (path) => doc.getIn([...path, 'address']) === patch.serviceName,
    );
    for (const path of socketPaths) {
      doc.setIn([...path, 'port_value'], patch.podPort);
    }
    if (socketPaths.length > 0 && DNS_CLUSTER_TYPES.has(String(doc.getIn([...clusterPath, 'type'])))) {
      patchDnsSettings(doc, clusterPath, patch);
    }
    patched += socketPaths.length;
  }
  return patched;
}

/** The `socket_address` paths of a cluster's endpoints: v2 `hosts[]` and v3 `load_assignment`. */
function listEndpointSocketPaths(doc: Document, clusterPath: Path): Path[] {
  const paths: Path[] = [];
  for (let j = 0; j < countItems(doc, [...clusterPath, 'hosts']); j += 1) {
    paths.push([...clusterPath, 'hosts', j, 'socket_address']);
  }
  const endpointsPath = [...clusterPath, 'load_assignment', 'endpoints'];
  for (let k = 0; k < countItems(doc, endpointsPath); k += 1) {
    const lbEndpointsPath = [...endpointsPath, k, 'lb_endpoints'];
    for (let l = 0; l < countItems(doc, lbEndpointsPath); l += 1) {
      paths.push([...lbEndpointsPath, l, 'endpoint', 'address', 'socket_address']);
    }
  }
  return paths;
}

function patchDnsSettings(doc: Document, clusterPath: Path, patch: ProxyConfigPatch): void {
  // Envoy's Duration JSON form: seconds with up to 9 fractional digits, e.g. "5s" or "0.5s".
  doc.setIn([...clusterPath, 'dns_refresh_rate'], `${patch.dnsRefreshRateMs / 1000}s`);
  doc.setIn([...clusterPath, 'respect_dns_ttl'], patch.respectDnsTtl);
  if (patch.dnsResolver === undefined) {
    return;
  }
  const resolver = {
    socket_address: { address: patch.dnsResolver.address, port_value: patch.dnsResolver.port },
  };
  if (doc.hasIn([...clusterPath, 'load_assignment'])) {
    doc.setIn(
      [...clusterPath, 'typed_dns_resolver_config'],
      doc.createNode({
        name: 'envoy.network.dns_resolver.cares',
        typed_config: { '@type': CARES_RESOLVER_TYPE, resolvers: [resolver] },
      }),
    );
  } else {
    doc.setIn([...clusterPath, 'dns_resolvers'], doc.createNode([resolver]));
  }
}

function countItems(doc: Document, path: Path): number {
  const node = doc.getIn(path);
  return isSeq(node) ? node.items.length : 0;
}

function formatPath(path: Path): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${part}`))
    .join('');
}

function configError(sourceName: string, message: string, cause?: unknown): LbbenchError {
  return new LbbenchError(
    'LBB_PROXY_CONFIG_INVALID',
    `${sourceName}: ${message}`,
    cause === undefined ? {} : { cause },
  );
}
