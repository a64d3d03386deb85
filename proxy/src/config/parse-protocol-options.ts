import type { ConnectionLimits } from '../types.js';
import { CLUSTER_LIMITS, DEFAULT_CONNECTION_LIMITS } from './defaults.js';
import { CLUSTER_SCHEMAS } from './cluster-schemas.js';
import { LISTENER_SCHEMAS } from './field-schemas.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import { hasField, readChildMapping, readDurationMs, readInteger, type Mapping } from './read-fields.js';

function readRequestCap(options: Mapping, context: ReadContext): number | undefined {
  return readInteger(options, 'max_requests_per_connection', context, {
    min: 0,
    max: CLUSTER_LIMITS.maxUint32,
  });
}

/** Reads the HCM's stream timeouts and its `common_http_protocol_options`, with Envoy's defaults. */
export function readConnectionLimits(manager: Mapping, context: ReadContext): ConnectionLimits {
  const defaults = DEFAULT_CONNECTION_LIMITS;
  const options = readChildMapping(
    manager,
    'common_http_protocol_options',
    context,
    LISTENER_SCHEMAS.commonHttpProtocolOptions,
  );
  return {
    requestHeadersTimeoutMs:
      readDurationMs(manager, 'request_headers_timeout', context) ?? defaults.requestHeadersTimeoutMs,
    streamIdleTimeoutMs:
      readDurationMs(manager, 'stream_idle_timeout', context) ?? defaults.streamIdleTimeoutMs,
    requestTimeoutMs: readDurationMs(manager, 'request_timeout', context) ?? defaults.requestTimeoutMs,
    drainTimeoutMs: readDurationMs(manager, 'drain_timeout', context) ?? defaults.drainTimeoutMs,
    idleTimeoutMs: (options && readDurationMs(options, 'idle_timeout', context)) ?? defaults.idleTimeoutMs,
    maxConnectionDurationMs:
      (options && readDurationMs(options, 'max_connection_duration', context)) ??
      defaults.maxConnectionDurationMs,
    maxRequestsPerConnection:
      (options && readRequestCap(options, context)) ?? defaults.maxRequestsPerConnection,
  };
}

/**
 * Reads a cluster's request cap per upstream connection: the deprecated top-level field or
 * `common_http_protocol_options.max_requests_per_connection`, never both (source/common/upstream/upstream_impl.cc
 * rejects that too).
 */
export function readUpstreamRequestCap(cluster: Mapping, context: ReadContext): number | undefined {
  const topLevel = readRequestCap(cluster, context);
  const options = readChildMapping(
    cluster,
    'common_http_protocol_options',
    context,
    CLUSTER_SCHEMAS.commonHttpProtocolOptions,
  );
  if (options === undefined) return topLevel;
  const nested = readRequestCap(options, context);
  if (topLevel !== undefined && hasField(options, 'max_requests_per_connection')) {
    reportIssue(
      context,
      joinPath(options.path, 'max_requests_per_connection'),
      'must not be set together with the cluster-level max_requests_per_connection (set only one)',
    );
    return undefined;
  }
  return nested ?? topLevel;
}
