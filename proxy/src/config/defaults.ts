import type { CircuitBreakerThresholds, ClusterConfig, ConnectionLimits } from '../types.js';

/** Envoy's circuit-breaker defaults, the same for the DEFAULT and HIGH priorities. */
export const DEFAULT_CIRCUIT_BREAKER_THRESHOLDS: CircuitBreakerThresholds = {
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
};

/** Every cluster field's default, as Envoy fills it (a cluster without `type` is STATIC). */
export const CLUSTER_DEFAULTS: Omit<ClusterConfig, 'name' | 'endpoints'> = {
  type: 'STATIC',
  lbPolicy: 'ROUND_ROBIN',
  connectTimeoutMs: 5000,
  dnsLookupFamily: 'AUTO',
  dnsRefreshRateMs: 5000,
  dnsJitterMs: 0,
  respectDnsTtl: false,
  dnsFailureRefreshRate: undefined,
  dnsResolvers: [],
  circuitBreakers: { default: DEFAULT_CIRCUIT_BREAKER_THRESHOLDS, high: DEFAULT_CIRCUIT_BREAKER_THRESHOLDS },
  leastRequest: { choiceCount: 2, activeRequestBias: 1, slowStart: undefined },
  roundRobin: { slowStart: undefined },
  ringHash: { minimumRingSize: 1024, maximumRingSize: 8_388_608, hashFunction: 'XX_HASH' },
  maglev: { tableSize: 65_537 },
  maxRequestsPerConnection: 0,
  closeConnectionsOnHostSetChange: false,
  outlierDetection: undefined,
  healthCheck: undefined,
  ignoreNewHostsUntilFirstHc: false,
  ignoreHealthOnHostRemoval: false,
  healthyPanicThreshold: 50,
  overprovisioningFactor: 140,
};

/** Route and retry-policy defaults: Envoy's route timeout (0 disables it) and `num_retries`. */
export const ROUTE_DEFAULTS = { timeoutMs: 15_000, numRetries: 1 } as const;

/**
 * Retry defaults (source/common/router/retry_state_impl.cc, retry_policy_impl.h): back-off base 25 ms (runtime
 * `upstream.base_retry_backoff_ms`), max 10 × base, one extra host selection attempt.
 */
export const RETRY_DEFAULTS = {
  baseIntervalMs: 25,
  maxIntervalFactor: 10,
  hostSelectionMaxAttempts: 1,
} as const;

/** `slow_start_config` defaults: aggression 1.0, min_weight_percent 10 (source/common/upstream/load_balancer_impl.cc). */
export const SLOW_START_DEFAULTS = { aggression: 1, minWeightPercent: 10 } as const;

/** The HCM `server_name` default, sent as the `server` header. */
export const DEFAULT_SERVER_NAME = 'envoy';

/** HCM `max_request_headers_kb` default (Envoy's DEFAULT_MAX_REQUEST_HEADERS_KB, 60 KiB). */
export const DEFAULT_MAX_REQUEST_HEADERS_KB = 60;

/**
 * HCM timeout defaults (api/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto
 * and source/common/http/conn_manager_config.h): stream idle 5 min, connection idle 1 h, drain 5 s, the others off.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  requestHeadersTimeoutMs: 0,
  streamIdleTimeoutMs: 300_000,
  requestTimeoutMs: 0,
  idleTimeoutMs: 3_600_000,
  maxConnectionDurationMs: 0,
  maxRequestsPerConnection: 0,
  drainTimeoutMs: 5000,
};

/** Listener `per_connection_buffer_limit_bytes` default (source/common/listener_manager, 1 MiB). */
export const DEFAULT_PER_CONNECTION_BUFFER_LIMIT_BYTES = 1024 * 1024;

/** `dns_failure_refresh_rate.max_interval` is this many times `base_interval` when unset. */
export const DNS_FAILURE_MAX_INTERVAL_FACTOR = 10;

/** Bounds Envoy's API validation puts on cluster fields. */
export const CLUSTER_LIMITS = {
  maxRingSize: 8_388_608,
  maxMaglevTableSize: 5_000_011,
  maxUint32: 4_294_967_295,
} as const;
