import type { FieldSchema } from './read-fields.js';

// Every Envoy message the proxy reads, with three lists of keys:
// - supported: read and acted on;
// - ignored: Envoy has them, but they change nothing in this proxy (no TLS, no tracing, no health checks, HTTP/1.1
//   upstreams); they are accepted, listed in ProxyConfig.ignoredFields and logged at start-up;
// - unsupported: Envoy has them and they would change behaviour this proxy does not implement, so they are
//   rejected rather than silently dropped.
// Anything else is an unknown field, which Envoy itself rejects too. proxy/README.md documents these lists.

/** Builds a schema from its three key lists. */
export function defineSchema(
  supported: readonly string[],
  ignored: readonly string[] = [],
  unsupported: readonly string[] = [],
): FieldSchema {
  return { supported, ignored, unsupported };
}

/** The same schema with the `@type` key that every `typed_config` carries. */
export function withTypeUrl(schema: FieldSchema): FieldSchema {
  return { ...schema, supported: ['@type', ...schema.supported] };
}

/** Schemas of the bootstrap and its admin block. */
export const BOOTSTRAP_SCHEMAS = {
  bootstrap: defineSchema(
    ['admin', 'static_resources'],
    [
      'node',
      'stats_sinks',
      'stats_config',
      'stats_flush_interval',
      'stats_flush_on_admin',
      'stats_server_version_override',
      'watchdog',
      'watchdogs',
      'tracing',
      'layered_runtime',
      'runtime',
      'overload_manager',
      'cluster_manager',
      'hds_config',
      'flags_path',
      'enable_dispatcher_stats',
    ],
    [
      'dynamic_resources',
      'header_prefix',
      'dns_resolution_config',
      'typed_dns_resolver_config',
      'bootstrap_extensions',
    ],
  ),
  staticResources: defineSchema(['listeners', 'clusters'], ['secrets']),
  admin: defineSchema(
    ['address', 'access_log_path', 'access_log'],
    ['profile_path', 'socket_options', 'ignore_global_conn_limit'],
  ),
  accessLog: defineSchema(['name', 'typed_config'], ['filter']),
  fileAccessLog: defineSchema(['path'], ['format', 'json_format', 'typed_json_format', 'log_format']),
  address: defineSchema(['socket_address'], [], ['pipe', 'envoy_internal_address']),
  socketAddress: defineSchema(
    ['address', 'port_value', 'protocol'],
    ['ipv4_compat'],
    ['named_port', 'resolver_name'],
  ),
} as const;

/** Schemas of a listener down to its HTTP filters. */
export const LISTENER_SCHEMAS = {
  listener: defineSchema(
    ['name', 'address', 'filter_chains', 'per_connection_buffer_limit_bytes'],
    [
      'listener_filters_timeout',
      'continue_on_listener_filters_timeout',
      'drain_type',
      'metadata',
      'stat_prefix',
      'traffic_direction',
      'socket_options',
      'tcp_fast_open_queue_length',
      'tcp_backlog_size',
      'enable_reuse_port',
      'reuse_port',
      'access_log',
      'ignore_global_conn_limit',
      'connection_balance_config',
    ],
    [
      'additional_addresses',
      'listener_filters',
      'use_original_dst',
      'bind_to_port',
      'transparent',
      'freebind',
      'udp_listener_config',
      'api_listener',
      'default_filter_chain',
      'filter_chain_matcher',
      'internal_listener',
    ],
  ),
  filterChain: defineSchema(
    ['filters'],
    ['name', 'metadata', 'transport_socket_connect_timeout'],
    ['filter_chain_match', 'transport_socket', 'tls_context', 'use_proxy_proto'],
  ),
  networkFilter: defineSchema(['name', 'config', 'typed_config'], [], ['config_discovery']),
  httpConnectionManager: defineSchema(
    [
      'stat_prefix',
      'route_config',
      'http_filters',
      'server_name',
      'codec_type',
      'max_request_headers_kb',
      'common_http_protocol_options',
      'request_headers_timeout',
      'stream_idle_timeout',
      'request_timeout',
      'drain_timeout',
    ],
    [
      'access_log',
      'access_log_options',
      'tracing',
      'use_remote_address',
      'xff_num_trusted_hops',
      'skip_xff_append',
      'via',
      'generate_request_id',
      'preserve_external_request_id',
      'always_set_request_id_in_response',
      'http_protocol_options',
      'http2_protocol_options',
      'http3_protocol_options',
      'delayed_close_timeout',
      'normalize_path',
      'merge_slashes',
      'path_with_escaped_slashes_action',
      'add_user_agent',
      'internal_address_config',
      'stream_error_on_invalid_http_message',
    ],
    [
      // WebSocket/CONNECT upgrades are not proxied here.
      'upgrade_configs',
      'rds',
      'scoped_routes',
      'server_header_transformation',
      'local_reply_config',
      'forward_client_cert_details',
      'set_current_client_cert_details',
      'strip_matching_host_port',
      'strip_any_host_port',
      'strip_trailing_host_dot',
      'request_id_extension',
      'original_ip_detection_extensions',
      'early_header_mutation_extensions',
      'proxy_status_config',
    ],
  ),
  // config/core/v3/protocol.proto HttpProtocolOptions, as the HTTP connection manager reads it.
  commonHttpProtocolOptions: defineSchema(
    ['idle_timeout', 'max_connection_duration', 'max_requests_per_connection'],
    [],
    [
      'max_headers_count',
      'max_response_headers_kb',
      'max_stream_duration',
      'headers_with_underscores_action',
    ],
  ),
  httpFilter: defineSchema(
    ['name', 'config', 'typed_config'],
    ['is_optional'],
    ['config_discovery', 'disabled'],
  ),
  router: defineSchema(
    ['suppress_envoy_headers'],
    [
      'dynamic_stats',
      'start_child_span',
      'upstream_log',
      'upstream_log_options',
      'suppress_grpc_request_failure_code_stats',
    ],
    ['strict_check_headers', 'respect_expected_rq_timeout', 'upstream_http_filters'],
  ),
} as const;
