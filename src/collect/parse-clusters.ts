import { CollectError } from '../errors.js';
import {
  createHostDraft,
  excerpt,
  finishHost,
  isHostCounterName,
  parseHealthFlags,
  readUint,
  type HostStatusDraft,
} from './host-status-builder.js';
import type { ClusterStatus } from './types.js';

export { parseClustersJson } from './parse-clusters-json.js';

/** Cluster-level keys of the text format, from Envoy 1.5 to today (§3.1); their lines carry no host data. */
const CLUSTER_KEYS = new Set([
  'observability_name',
  'outlier',
  'default_priority',
  'high_priority',
  'added_via_api',
  'eds_service_name',
]);

/** Keys of per-host lines besides the stats; a segment followed by one of these is a host address. */
const HOST_INFO_KEYS = new Set([
  'hostname',
  'health_flags',
  'weight',
  'region',
  'zone',
  'sub_zone',
  'canary',
  'priority',
  'success_rate',
  'local_origin_success_rate',
  'rq_pending_active',
]);

const IPV4_ADDRESS = /^\d{1,3}(?:\.\d{1,3}){3}:\d+$/;

type ParsedLine =
  | { readonly kind: 'cluster'; readonly cluster: string }
  | {
      readonly kind: 'host';
      readonly cluster: string;
      readonly address: string;
      readonly key: string;
      readonly value: string;
    };

/**
 * Parses `GET /clusters` text of lbbench-proxy and of Envoy 1.5 → current: `version_info::` lines, outlier
 * blocks, clusters without hosts, IPv6 hosts (`[::1]:80`), any health flags. Unknown keys are ignored. A cluster
 * name is everything before the first `::` (Envoy cluster names do not contain `::` in practice). Hosts keep
 * the order of the output; the same address twice in a row (two endpoints resolving to one IP) gives two hosts.
 * @throws {CollectError} when a line is not of the form `<cluster>::…` or a known stat is not an integer.
 */
export function parseClustersText(text: string): ClusterStatus[] {
  const clusters = new Map<string, HostStatusDraft[]>();
  const seenKeys = new WeakMap<HostStatusDraft, Set<string>>();
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '' || /^version_info::[^:]*$/.test(line)) {
      return;
    }
    const parsed = parseLine(line, index + 1);
    const hosts = clusters.get(parsed.cluster) ?? [];
    clusters.set(parsed.cluster, hosts);
    if (parsed.kind === 'host') {
      let host = hosts.at(-1);
      let keys = host === undefined ? undefined : seenKeys.get(host);
      if (
        host === undefined ||
        keys === undefined ||
        host.address !== parsed.address ||
        keys.has(parsed.key)
      ) {
        host = createHostDraft(parsed.address);
        keys = new Set();
        hosts.push(host);
        seenKeys.set(host, keys);
      }
      keys.add(parsed.key);
      applyHostLine(host, parsed.key, parsed.value, index + 1);
    }
  });
  return [...clusters].map(([name, hosts]) => ({ name, hosts: hosts.map(finishHost) }));
}

function parseLine(line: string, lineNumber: number): ParsedLine {
  const clusterEnd = line.indexOf('::');
  if (clusterEnd <= 0) {
    throw new CollectError(
      `/clusters text, line ${lineNumber}: expected "<cluster>::<field>::<value>", got ${excerpt(line)}`,
    );
  }
  const cluster = line.slice(0, clusterEnd);
  const rest = line.slice(clusterEnd + 2);
  const addressEnd = findAddressEnd(rest);
  if (addressEnd < 0) {
    throw new CollectError(
      `/clusters text, line ${lineNumber}: expected "<cluster>::<field>::<value>", got ${excerpt(line)}`,
    );
  }
  const first = rest.slice(0, addressEnd);
  const remainder = rest.slice(addressEnd + 2);
  if (CLUSTER_KEYS.has(first)) {
    return { kind: 'cluster', cluster };
  }
  const keyEnd = remainder.indexOf('::');
  const key = keyEnd < 0 ? remainder : remainder.slice(0, keyEnd);
  const isHost =
    first.startsWith('[') || IPV4_ADDRESS.test(first) || isHostCounterName(key) || HOST_INFO_KEYS.has(key);
  if (!isHost) {
    // A cluster-level line this parser does not know (a newer Envoy): keep the cluster, skip the line.
    return { kind: 'cluster', cluster };
  }
  if (keyEnd < 0) {
    throw new CollectError(`/clusters text, line ${lineNumber}: host line without a value: ${excerpt(line)}`);
  }
  return { kind: 'host', cluster, address: first, key, value: remainder.slice(keyEnd + 2) };
}

/** Index of the `::` that ends the segment after the cluster name; an IPv6 `[…]:port` may contain `::`. */
function findAddressEnd(rest: string): number {
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    return close < 0 ? -1 : rest.indexOf('::', close);
  }
  return rest.indexOf('::');
}

function applyHostLine(host: HostStatusDraft, key: string, value: string, lineNumber: number): void {
  const where = `/clusters text, line ${lineNumber} (${host.address}::${key})`;
  if (isHostCounterName(key)) {
    host.counters[key] = readUint(value, where);
  } else if (key === 'hostname') {
    host.hostname = value;
  } else if (key === 'health_flags') {
    host.healthFlags = parseHealthFlags(value);
  } else if (key === 'weight') {
    host.weight = readUint(value, where);
  }
}
