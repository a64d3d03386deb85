import { defineSchema } from './field-schemas.js';

/** A cluster's DNS settings, which only the DNS cluster types take. */
export const CLUSTER_DNS_FIELDS = [
  'dns_lookup_family',
  'dns_refresh_rate',
  'dns_jitter',
  'respect_dns_ttl',
  'dns_failure_refresh_rate',
  'dns_resolvers',
  'typed_dns_resolver_config',
] as const;

/** Schemas of a cluster and its nested messages. */
export const CLUSTER_SCHEMAS = {
  cluster: defineSchema(
    [
      'name',
      'type',
      'connect_timeout',
      'lb_policy',
      'hosts',
      'load_assignment',
      ...CLUSTER_DNS_FIELDS,
      'circuit_breakers',
      'least_request_lb_config',
      'ring_hash_lb_config',
      'maglev_lb_config',
      'common_lb_config',
      'max_requests_per_connection',
      'common_http_protocol_options',
    ],
    [
      'alt_stat_name',
      'health_checks',
      'outlier_detection',
      'http_protocol_options',
      'http2_protocol_options',
      'protocol_selection',
      'upstream_connection_options',
      'metadata',
      'track_cluster_stats',
      'track_timeout_budgets',
      'wait_for_warm_on_init',
      'use_tcp_for_dns_lookups',
      'ignore_health_on_host_removal',
      'drain_connections_on_host_removal',
      'close_connections_on_host_health_failure',
      'cleanup_interval',
      'preconnect_policy',
    ],
    [
      'cluster_type',
      'eds_cluster_config',
      'transport_socket',
      'transport_socket_matches',
      'tls_context',
      // Upstream buffering follows Node's socket watermarks and the client's pace; no per-cluster limit here.
      'per_connection_buffer_limit_bytes',
      // They carry upstream HTTP protocol options; common_http_protocol_options is the supported spelling.
      'typed_extension_protocol_options',
      'extension_protocol_options',
      'lb_subset_config',
      'round_robin_lb_config',
      'original_dst_lb_config',
      'load_balancing_policy',
      'dns_resolution_config',
      'upstream_bind_config',
      'filters',
      'lrs_server',
      'upstream_config',
      'connection_pool_per_downstream_connection',
    ],
  ),
  // The same message on a cluster: only the request cap is implemented for upstream connections.
  commonHttpProtocolOptions: defineSchema(
    ['max_requests_per_connection'],
    [],
    [
      'idle_timeout',
      'max_connection_duration',
      'max_headers_count',
      'max_response_headers_kb',
      'max_stream_duration',
      'headers_with_underscores_action',
    ],
  ),
  loadAssignment: defineSchema(['cluster_name', 'endpoints'], ['policy'], ['named_endpoints']),
  localityEndpoints: defineSchema(
    ['lb_endpoints', 'priority'],
    ['locality', 'load_balancing_weight', 'proximity', 'metadata'],
    ['leds_cluster_locality_config'],
  ),
  lbEndpoint: defineSchema(
    ['endpoint', 'load_balancing_weight'],
    ['metadata'],
    ['health_status', 'endpoint_name'],
  ),
  endpoint: defineSchema(['address', 'hostname'], ['health_check_config'], ['additional_addresses']),
  dnsFailureRefreshRate: defineSchema(['base_interval', 'max_interval']),
  typedDnsResolverConfig: defineSchema(['name', 'typed_config']),
  caresDnsResolverConfig: defineSchema(
    ['resolvers'],
    ['dns_resolver_options', 'use_resolvers_as_fallback', 'filter_unroutable_families', 'udp_max_queries'],
  ),
  circuitBreakers: defineSchema(['thresholds'], [], ['per_host_thresholds']),
  thresholds: defineSchema(
    ['priority', 'max_connections', 'max_pending_requests', 'max_requests', 'max_retries'],
    ['track_remaining', 'max_connection_pools'],
    ['retry_budget'],
  ),
  leastRequestLbConfig: defineSchema(
    ['choice_count', 'active_request_bias'],
    [],
    ['slow_start_config', 'selection_method'],
  ),
  runtimeDouble: defineSchema(['default_value'], ['runtime_key']),
  ringHashLbConfig: defineSchema(
    ['minimum_ring_size', 'maximum_ring_size', 'hash_function'],
    [],
    [
      'use_hostname_for_hashing',
      'hash_balance_factor',
      'consistent_hashing_lb_config',
      'locality_weighted_lb_config',
    ],
  ),
  maglevLbConfig: defineSchema(
    ['table_size'],
    [],
    ['consistent_hashing_lb_config', 'locality_weighted_lb_config'],
  ),
  commonLbConfig: defineSchema(
    ['close_connections_on_host_set_change'],
    [
      'healthy_panic_threshold',
      'update_merge_window',
      'ignore_new_hosts_until_first_hc',
      'zone_aware_lb_config',
    ],
    ['locality_weighted_lb_config', 'consistent_hashing_lb_config', 'override_host_status'],
  ),
} as const;
