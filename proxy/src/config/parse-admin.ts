import type { ProxyConfig } from '../types.js';
import { describeValue } from './describe-value.js';
import { ENVOY_NAMES } from './envoy-names.js';
import { BOOTSTRAP_SCHEMAS, withTypeUrl } from './field-schemas.js';
import { readBindAddress } from './parse-address.js';
import { joinPath, reportIgnored, reportIssue, type ReadContext } from './read-context.js';
import {
  hasField,
  isRecord,
  readChildMapping,
  readList,
  readMapping,
  readString,
  type ListItem,
  type Mapping,
} from './read-fields.js';

const FILE_ACCESS_LOG_URLS: readonly string[] = [
  ENVOY_NAMES.fileAccessLog.v3TypeUrl,
  ENVOY_NAMES.fileAccessLog.v2TypeUrl,
];

/** Reads one `admin.access_log` entry: the path of a file logger, or undefined for other loggers (ignored). */
function readAccessLogEntry(item: ListItem, context: ReadContext): string | undefined {
  const entry = readMapping(item.value, item.path, context, BOOTSTRAP_SCHEMAS.accessLog);
  if (entry === undefined) return undefined;
  readString(entry, 'name', context);
  const typedConfig = entry.fields.typed_config;
  if (!isRecord(typedConfig)) {
    const problem = typedConfig === undefined ? 'is required' : `got ${describeValue(typedConfig)}`;
    reportIssue(context, joinPath(item.path, 'typed_config'), `${problem}; must be a mapping with "@type"`);
    return undefined;
  }
  const typeUrl = typedConfig['@type'];
  if (typeof typeUrl !== 'string' || !FILE_ACCESS_LOG_URLS.includes(typeUrl)) {
    // stdout/stderr/gRPC loggers only write logs, which change nothing in what the proxy serves.
    reportIgnored(context, item.path);
    return undefined;
  }
  if (typeUrl === ENVOY_NAMES.fileAccessLog.v2TypeUrl) context.v2Markers.push(item.path);
  const fileLog = readChildMapping(
    entry,
    'typed_config',
    context,
    withTypeUrl(BOOTSTRAP_SCHEMAS.fileAccessLog),
  );
  return fileLog === undefined ? undefined : readString(fileLog, 'path', context, { isRequired: true });
}

function readAccessLogPath(admin: Mapping, context: ReadContext): string | undefined {
  const v2Path = readString(admin, 'access_log_path', context);
  if (hasField(admin, 'access_log_path')) context.v2Markers.push(joinPath(admin.path, 'access_log_path'));
  const entries = readList(admin, 'access_log', context) ?? [];
  const v3Paths = entries.map((item) => readAccessLogEntry(item, context));
  return v2Path ?? v3Paths.find((path) => path !== undefined);
}

/** Reads the required `admin` block: where /clusters, /stats and /config_dump are served. */
export function readAdmin(bootstrap: Mapping, context: ReadContext): ProxyConfig['admin'] | undefined {
  if (bootstrap.fields.admin === undefined) {
    const example = 'admin: {address: {socket_address: {address: 0.0.0.0, port_value: 9901}}}';
    reportIssue(
      context,
      'admin',
      `is required; lbbench-proxy serves /clusters and /config_dump there, e.g. ${example}`,
    );
    return undefined;
  }
  const admin = readChildMapping(bootstrap, 'admin', context, BOOTSTRAP_SCHEMAS.admin);
  if (admin === undefined) return undefined;
  const address = readBindAddress(admin, 'address', context);
  const accessLogPath = readAccessLogPath(admin, context);
  return address === undefined ? undefined : { address, accessLogPath };
}
