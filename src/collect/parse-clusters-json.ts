import { formatHostAddress, HEALTH_FLAGS } from 'lbbench-proxy';
import { CollectError } from '../errors.js';
import {
  createHostDraft,
  excerpt,
  finishHost,
  isHostCounterName,
  readUint,
  type HostStatusDraft,
} from './host-status-builder.js';
import type { ClusterStatus, HostStatus } from './types.js';

type JsonObject = Readonly<Record<string, unknown>>;

/** Boolean fields of `HostHealthStatus` and the text flag each one stands for. */
const BOOLEAN_HEALTH_FLAGS: readonly (readonly [string, string])[] = [
  ['failed_active_health_check', 'failed_active_hc'],
  ['failed_outlier_check', 'failed_outlier_check'],
  ['failed_active_degraded_check', 'degraded_active_hc'],
  ['pending_dynamic_removal', 'pending_dynamic_removal'],
  ['pending_active_hc', 'pending_active_hc'],
  ['excluded_via_immediate_hc_fail', 'excluded_via_immediate_hc_fail'],
  ['active_hc_timeout', 'active_hc_timeout'],
];

/** `eds_health_status` values (by name or enum number) and the text flag each one stands for. */
const EDS_HEALTH_FLAGS: Readonly<Record<string, string>> = {
  UNHEALTHY: 'failed_eds_health',
  '2': 'failed_eds_health',
  DRAINING: 'eds_status_draining',
  '3': 'eds_status_draining',
  DEGRADED: 'degraded_eds_health',
  '5': 'degraded_eds_health',
};

/**
 * Parses `GET /clusters?format=json` (`envoy.admin.v2alpha/v3.Clusters`) of lbbench-proxy and Envoy 1.9 →
 * current: proto3 JSON with omitted defaults, uint64 values as strings (numbers accepted too), snake_case or
 * lowerCamelCase names (istioctl prints the latter), and a bare array of cluster statuses. Unknown stats and
 * fields are ignored.
 * @throws {CollectError} naming the field path when the document is not a Clusters message.
 */
export function parseClustersJson(value: unknown): ClusterStatus[] {
  const statuses = readClusterStatuses(value);
  return statuses.map((status, index) => parseClusterStatus(status, `cluster_statuses[${index}]`));
}

function readClusterStatuses(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) {
    return value;
  }
  const document = asObject(value, '/clusters JSON');
  const statuses = readField(document, 'cluster_statuses');
  if (statuses === undefined) {
    const keys = Object.keys(document);
    // proto3 JSON prints an empty Clusters message (no clusters at all) as `{}`.
    if (keys.length === 0) {
      return [];
    }
    throw new CollectError(
      `/clusters JSON: expected a "cluster_statuses" array, got an object with keys ${excerpt(keys.join(', '))}`,
    );
  }
  return asArray(statuses, '/clusters JSON: cluster_statuses');
}

function parseClusterStatus(value: unknown, path: string): ClusterStatus {
  const status = asObject(value, `/clusters JSON: ${path}`);
  const name = readField(status, 'name');
  if (typeof name !== 'string' || name === '') {
    throw new CollectError(`/clusters JSON: ${path}.name: expected a cluster name, got ${describe(name)}`);
  }
  const hosts = readField(status, 'host_statuses');
  const hostList = hosts === undefined ? [] : asArray(hosts, `/clusters JSON: ${path}.host_statuses`);
  return {
    name,
    hosts: hostList.map((host, index) => parseHostStatus(host, `${path}.host_statuses[${index}]`)),
  };
}

function parseHostStatus(value: unknown, path: string): HostStatus {
  const status = asObject(value, `/clusters JSON: ${path}`);
  const draft = createHostDraft(readAddress(readField(status, 'address'), `${path}.address`));
  readStats(draft, readField(status, 'stats'), `${path}.stats`);
  draft.healthFlags = readHealthFlags(readField(status, 'health_status'), `${path}.health_status`);
  const hostname = readField(status, 'hostname');
  draft.hostname = typeof hostname === 'string' ? hostname : undefined;
  const weight = readField(status, 'weight');
  draft.weight = weight === undefined ? undefined : readUint(weight, `/clusters JSON: ${path}.weight`);
  return finishHost(draft);
}

/** Formats an `envoy.config.core.v3.Address` the way the text output prints it (`ip:port`, `[v6]:port`, pipe path). */
function readAddress(value: unknown, path: string): string {
  const address = asObject(value, `/clusters JSON: ${path}`);
  const socket = readField(address, 'socket_address');
  if (socket !== undefined) {
    const socketObject = asObject(socket, `/clusters JSON: ${path}.socket_address`);
    const ip = readField(socketObject, 'address');
    if (typeof ip !== 'string' || ip === '') {
      throw new CollectError(
        `/clusters JSON: ${path}.socket_address.address: expected an IP, got ${describe(ip)}`,
      );
    }
    const portValue = readField(socketObject, 'port_value');
    const port =
      portValue === undefined ? 0 : readUint(portValue, `/clusters JSON: ${path}.socket_address.port_value`);
    return formatHostAddress(ip, port);
  }
  const pipe = readField(address, 'pipe');
  const pipePath =
    pipe === undefined ? undefined : readField(asObject(pipe, `/clusters JSON: ${path}.pipe`), 'path');
  if (typeof pipePath === 'string') {
    return pipePath;
  }
  throw new CollectError(`/clusters JSON: ${path}: expected socket_address or pipe, got ${describe(value)}`);
}

function readStats(draft: HostStatusDraft, value: unknown, path: string): void {
  if (value === undefined) {
    return;
  }
  asArray(value, `/clusters JSON: ${path}`).forEach((entry, index) => {
    const stat = asObject(entry, `/clusters JSON: ${path}[${index}]`);
    const name = readField(stat, 'name');
    if (typeof name === 'string' && isHostCounterName(name)) {
      const statValue = readField(stat, 'value');
      draft.counters[name] =
        statValue === undefined ? 0 : readUint(statValue, `/clusters JSON: ${path}[${index}].value`);
    }
  });
}

function readHealthFlags(value: unknown, path: string): string[] {
  if (value === undefined) {
    return [];
  }
  const health = asObject(value, `/clusters JSON: ${path}`);
  const flags = BOOLEAN_HEALTH_FLAGS.filter(([field]) => readField(health, field) === true).map(
    ([, flag]) => flag,
  );
  const eds = readField(health, 'eds_health_status');
  const edsFlag =
    typeof eds === 'string' || typeof eds === 'number' ? EDS_HEALTH_FLAGS[String(eds)] : undefined;
  if (edsFlag !== undefined) {
    flags.push(edsFlag);
  }
  // The text format's order, so JSON and text give the same `healthFlags` for the same host.
  return HEALTH_FLAGS.filter((flag) => flags.includes(flag));
}

/** Reads a field by its proto name or its lowerCamelCase JSON name. */
function readField(object: JsonObject, snakeName: string): unknown {
  if (Object.hasOwn(object, snakeName)) {
    return object[snakeName];
  }
  return object[snakeName.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())];
}

function asObject(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CollectError(`${where}: expected an object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

function asArray(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new CollectError(`${where}: expected an array, got ${describe(value)}`);
  }
  return value as unknown[];
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return `${excerpt(JSON.stringify(value))} (${kind})`;
}
