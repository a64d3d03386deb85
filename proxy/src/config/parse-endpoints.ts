import type { ClusterType, EndpointConfig } from '../types.js';
import { isDnsName, isIpLiteral } from './address-syntax.js';
import { CLUSTER_LIMITS } from './defaults.js';
import { describeValue } from './describe-value.js';
import { CLUSTER_SCHEMAS } from './cluster-schemas.js';
import { readAddressValue } from './parse-address.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import {
  hasField,
  readChildMapping,
  readInteger,
  readList,
  readMapping,
  readString,
  type ListItem,
  type Mapping,
} from './read-fields.js';

/** An endpoint as configured, with the path of its address for the per-type checks. */
interface EndpointAtPath extends EndpointConfig {
  readonly addressPath: string;
}

/** Endpoints grouped by locality, as `load_assignment` writes them (v2 `hosts` is one locality). */
type Localities = readonly (readonly EndpointAtPath[])[];

function readV2Hosts(cluster: Mapping, context: ReadContext): Localities {
  context.v2Markers.push(joinPath(cluster.path, 'hosts'));
  const items = readList(cluster, 'hosts', context) ?? [];
  const endpoints = items.map((item) => readAddressValue(item.value, item.path, context, 1));
  const read = endpoints.filter((endpoint) => endpoint !== undefined);
  return [read.map((endpoint) => ({ ...endpoint, weight: 1, hostname: undefined }))];
}

function readLbEndpoint(item: ListItem, context: ReadContext): EndpointAtPath | undefined {
  const lbEndpoint = readMapping(item.value, item.path, context, CLUSTER_SCHEMAS.lbEndpoint);
  if (lbEndpoint === undefined) return undefined;
  const weight = readInteger(lbEndpoint, 'load_balancing_weight', context, {
    min: 1,
    max: CLUSTER_LIMITS.maxUint32,
  });
  const endpoint = readChildMapping(lbEndpoint, 'endpoint', context, CLUSTER_SCHEMAS.endpoint, {
    isRequired: true,
  });
  if (endpoint === undefined) return undefined;
  const hostname = readString(endpoint, 'hostname', context);
  const addressPath = joinPath(endpoint.path, 'address');
  if (!hasField(endpoint, 'address')) {
    reportIssue(
      context,
      addressPath,
      'is required; must be {socket_address: {address: <name or IP>, port_value: <port>}}',
    );
    return undefined;
  }
  const address = readAddressValue(endpoint.fields.address, addressPath, context, 1);
  return address === undefined ? undefined : { ...address, weight: weight ?? 1, hostname };
}

function readLocality(item: ListItem, context: ReadContext): EndpointAtPath[] {
  const locality = readMapping(item.value, item.path, context, CLUSTER_SCHEMAS.localityEndpoints);
  if (locality === undefined) return [];
  const priority = readInteger(locality, 'priority', context, { min: 0, max: CLUSTER_LIMITS.maxUint32 });
  if (priority !== undefined && priority !== 0) {
    const message = `must be 0, got ${priority}; lbbench-proxy has a single priority (no failover between priorities)`;
    reportIssue(context, joinPath(locality.path, 'priority'), message);
  }
  const items = readList(locality, 'lb_endpoints', context) ?? [];
  return items
    .map((endpoint) => readLbEndpoint(endpoint, context))
    .filter((endpoint) => endpoint !== undefined);
}

function readLoadAssignment(cluster: Mapping, context: ReadContext): Localities {
  const assignment = readChildMapping(cluster, 'load_assignment', context, CLUSTER_SCHEMAS.loadAssignment);
  if (assignment === undefined) return [];
  readString(assignment, 'cluster_name', context, { isRequired: true });
  const items = readList(assignment, 'endpoints', context) ?? [];
  return items.map((item) => readLocality(item, context));
}

function checkAddress(endpoint: EndpointAtPath, type: ClusterType, context: ReadContext): void {
  const shown = describeValue(endpoint.address);
  if (type === 'STATIC' && !isIpLiteral(endpoint.address)) {
    const message = `STATIC clusters need IP addresses, got ${shown}; use type STRICT_DNS or LOGICAL_DNS for DNS names`;
    reportIssue(context, endpoint.addressPath, message);
  } else if (!isIpLiteral(endpoint.address) && !isDnsName(endpoint.address)) {
    reportIssue(context, endpoint.addressPath, `must be a DNS name or an IP address, got ${shown}`);
  }
}

function checkLogicalDns(cluster: Mapping, localities: Localities, context: ReadContext): void {
  const count = localities.flat().length;
  if (hasField(cluster, 'hosts') && count !== 1) {
    reportIssue(
      context,
      joinPath(cluster.path, 'hosts'),
      `LOGICAL_DNS clusters must have exactly one host, got ${count}`,
    );
  } else if (hasField(cluster, 'load_assignment') && (count !== 1 || localities.length !== 1)) {
    const where = `${count} endpoint${count === 1 ? '' : 's'} in ${localities.length} localit${localities.length === 1 ? 'y' : 'ies'}`;
    const message = `LOGICAL_DNS clusters must have exactly one endpoint (one locality with one lb_endpoint), got ${where}`;
    reportIssue(context, joinPath(cluster.path, 'load_assignment'), message);
  } else if (count === 0) {
    reportIssue(
      context,
      cluster.path,
      'LOGICAL_DNS clusters must have exactly one endpoint, got none (set load_assignment)',
    );
  }
}

/** Reads a cluster's endpoints from v2 `hosts` or `load_assignment` and checks them against its type. */
export function readClusterEndpoints(
  cluster: Mapping,
  type: ClusterType,
  context: ReadContext,
): EndpointConfig[] {
  if (hasField(cluster, 'hosts') && hasField(cluster, 'load_assignment')) {
    reportIssue(context, cluster.path, 'set either hosts (v2) or load_assignment, not both');
    return [];
  }
  const localities = hasField(cluster, 'hosts')
    ? readV2Hosts(cluster, context)
    : readLoadAssignment(cluster, context);
  const endpoints = localities.flat();
  for (const endpoint of endpoints) checkAddress(endpoint, type, context);
  if (type === 'LOGICAL_DNS') checkLogicalDns(cluster, localities, context);
  return endpoints.map(({ address, portValue, weight, hostname }) => ({
    address,
    portValue,
    weight,
    hostname,
  }));
}
