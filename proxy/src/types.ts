/**
 * Types shared by the proxy's modules and, read-only, by the harness (`src/`), which may import this file
 * and the balancer modules but nothing else from `proxy/`.
 */

/** Envoy's load-balancing policies that lbbench-proxy implements, in Envoy's spelling. */
export const LB_POLICIES = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV'] as const;
/** One of {@link LB_POLICIES}. */
export type LbPolicy = (typeof LB_POLICIES)[number];

/** Cluster discovery types supported here. */
export const CLUSTER_TYPES = ['STATIC', 'STRICT_DNS', 'LOGICAL_DNS'] as const;
/** One of {@link CLUSTER_TYPES}. */
export type ClusterType = (typeof CLUSTER_TYPES)[number];

/** Envoy's `Cluster.DnsLookupFamily`. */
export const DNS_LOOKUP_FAMILIES = ['AUTO', 'V4_ONLY', 'V6_ONLY', 'V4_PREFERRED', 'ALL'] as const;
/** One of {@link DNS_LOOKUP_FAMILIES}. */
export type DnsLookupFamily = (typeof DNS_LOOKUP_FAMILIES)[number];

/**
 * `retry_on` tokens this proxy acts on (Envoy's names). The gRPC tokens, `refused-stream` and
 * `http3-post-connect-failure` (HTTP/2 and HTTP/3 upstream events) and `retriable-headers` are not implemented.
 */
export const RETRY_ON_TOKENS = [
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'retriable-status-codes',
  'envoy-ratelimited',
] as const;
/** One of {@link RETRY_ON_TOKENS}. */
export type RetryOn = (typeof RETRY_ON_TOKENS)[number];

/** An IP or DNS name with a port, as in Envoy's `socket_address`. */
export interface SocketAddress {
  readonly address: string;
  readonly portValue: number;
}

/** One circuit-breaker threshold set (Envoy defaults 1024/1024/1024/3). */
export interface CircuitBreakerThresholds {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

/** An upstream endpoint as configured: for DNS clusters the address is a name to resolve. */
export interface EndpointConfig {
  readonly address: string;
  readonly portValue: number;
  /** `load_balancing_weight`, at least 1. */
  readonly weight: number;
  /** `endpoint.hostname`, shown in /clusters instead of the DNS name when set. */
  readonly hostname: string | undefined;
}

/**
 * `outlier_detection` of a cluster with Envoy's defaults filled in (outlier_detection_impl.h). Percentages are
 * whole percent; `successRateStdevFactor` is Envoy's integer (1900 = 1.9).
 */
export interface OutlierDetectionConfig {
  readonly intervalMs: number;
  readonly baseEjectionTimeMs: number;
  /** Defaults to max(300 s, base_ejection_time). */
  readonly maxEjectionTimeMs: number;
  readonly maxEjectionTimeJitterMs: number;
  readonly maxEjectionPercent: number;
  readonly alwaysEjectOneHost: boolean;
  readonly consecutive5xx: number;
  readonly consecutiveGatewayFailure: number;
  readonly consecutiveLocalOriginFailure: number;
  readonly enforcingConsecutive5xx: number;
  readonly enforcingConsecutiveGatewayFailure: number;
  readonly enforcingConsecutiveLocalOriginFailure: number;
  readonly successRateMinimumHosts: number;
  readonly successRateRequestVolume: number;
  readonly successRateStdevFactor: number;
  readonly enforcingSuccessRate: number;
  readonly enforcingLocalOriginSuccessRate: number;
  readonly failurePercentageThreshold: number;
  readonly failurePercentageMinimumHosts: number;
  readonly failurePercentageRequestVolume: number;
  readonly enforcingFailurePercentage: number;
  readonly enforcingFailurePercentageLocalOrigin: number;
  readonly splitExternalLocalOriginErrors: boolean;
  readonly successfulActiveHealthCheckUnejectHost: boolean;
}

/** One active HTTP `health_checks` entry with Envoy's defaults filled in (health_checker_base_impl.cc). */
export interface HealthCheckConfig {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly unhealthyIntervalMs: number;
  readonly unhealthyEdgeIntervalMs: number;
  readonly healthyEdgeIntervalMs: number;
  readonly noTrafficIntervalMs: number;
  readonly noTrafficHealthyIntervalMs: number;
  readonly initialJitterMs: number;
  readonly intervalJitterMs: number;
  readonly intervalJitterPercent: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
  readonly reuseConnection: boolean;
  /** `http_health_check.path`. */
  readonly path: string;
  /** `http_health_check.host`; empty: the cluster name, as Envoy sends it. */
  readonly host: string;
  /** `expected_statuses` as half-open [start, end) ranges; default [200, 201). */
  readonly expectedStatuses: readonly (readonly [number, number])[];
  /** `retriable_statuses`, same form; default none. */
  readonly retriableStatuses: readonly (readonly [number, number])[];
}

/** A cluster after parsing, with every default filled in. */
export interface ClusterConfig {
  readonly name: string;
  readonly type: ClusterType;
  readonly lbPolicy: LbPolicy;
  readonly connectTimeoutMs: number;
  readonly endpoints: readonly EndpointConfig[];
  readonly dnsLookupFamily: DnsLookupFamily;
  /** Re-resolution period; Envoy's default is 5000 ms. */
  readonly dnsRefreshRateMs: number;
  readonly dnsJitterMs: number;
  readonly respectDnsTtl: boolean;
  /**
   * DNS servers of this cluster: `dns_resolvers` (v2) or the c-ares `typed_dns_resolver_config` (v3). Empty: the
   * proxy's `--dns-server`, else the system's resolver.
   */
  readonly dnsResolvers: readonly SocketAddress[];
  /** Jittered exponential back-off after a failed lookup; undefined means "retry after dnsRefreshRateMs". */
  readonly dnsFailureRefreshRate:
    { readonly baseIntervalMs: number; readonly maxIntervalMs: number } | undefined;
  readonly circuitBreakers: {
    readonly default: CircuitBreakerThresholds;
    readonly high: CircuitBreakerThresholds;
  };
  readonly leastRequest: {
    readonly choiceCount: number;
    readonly activeRequestBias: number;
    /** `least_request_lb_config.slow_start_config`; undefined: no slow start. */
    readonly slowStart: SlowStartConfig | undefined;
  };
  /** `round_robin_lb_config`. */
  readonly roundRobin: { readonly slowStart: SlowStartConfig | undefined };
  readonly ringHash: {
    readonly minimumRingSize: number;
    readonly maximumRingSize: number;
    readonly hashFunction: 'XX_HASH' | 'MURMUR_HASH_2';
  };
  readonly maglev: { readonly tableSize: number };
  /** 0 means unlimited. */
  readonly maxRequestsPerConnection: number;
  readonly closeConnectionsOnHostSetChange: boolean;
  /** `outlier_detection`; undefined: off, as in Envoy when the message is absent. */
  readonly outlierDetection: OutlierDetectionConfig | undefined;
  /** `health_checks` (one HTTP checker); undefined: no active health checking. */
  readonly healthCheck: HealthCheckConfig | undefined;
  /** `common_lb_config.ignore_new_hosts_until_first_hc`: new hosts are excluded until their first check. */
  readonly ignoreNewHostsUntilFirstHc: boolean;
  /**
   * `ignore_health_on_host_removal`: with health checking, a host that leaves DNS while passing its checks
   * stays (PENDING_DYNAMIC_REMOVAL) until it fails one, unless this is set.
   */
  readonly ignoreHealthOnHostRemoval: boolean;
  /** `common_lb_config.healthy_panic_threshold` in percent (default 50; 0 disables panic). */
  readonly healthyPanicThreshold: number;
  /** `load_assignment.policy.overprovisioning_factor` in percent (default 140). */
  readonly overprovisioningFactor: number;
}

/** `slow_start_config` of ROUND_ROBIN and LEAST_REQUEST (Envoy's `SlowStartConfig`). */
export interface SlowStartConfig {
  /** `slow_start_window`; a host younger than this gets a reduced weight. */
  readonly windowMs: number;
  /** `aggression.default_value` (default 1.0: linear ramp); ≤ 0 or NaN acts as 1.0, as in Envoy. */
  readonly aggression: number;
  /** `min_weight_percent` (default 10): the smallest share of its weight a new host gets. */
  readonly minWeightPercent: number;
}

/** `retry_policy` of a route (or of its virtual host, when the route has none). */
export interface RetryPolicy {
  readonly retryOn: readonly RetryOn[];
  /** `num_retries`, default 1. */
  readonly numRetries: number;
  /** undefined: only the route timeout applies. */
  readonly perTryTimeoutMs: number | undefined;
  /** Consulted only when `retryOn` holds `retriable-status-codes`. */
  readonly retriableStatusCodes: readonly number[];
  /** `retry_host_predicate: envoy.retry_host_predicates.previous_hosts`: a retry avoids hosts already tried. */
  readonly hasPreviousHostsPredicate: boolean;
  /** `host_selection_retry_max_attempts` (default 1): extra picks when a predicate rejects a host. */
  readonly hostSelectionMaxAttempts: number;
  /** `retry_back_off`: base (default 25 ms) and max (default 10 × base) of the jittered exponential back-off. */
  readonly backOff: { readonly baseIntervalMs: number; readonly maxIntervalMs: number };
}

/** `hash_policy` entry; only header hashing is supported. */
export interface HashPolicy {
  readonly headerName: string;
  readonly terminal: boolean;
}

/** A route of a virtual host. */
export interface RouteConfig {
  readonly match: { readonly prefix: string } | { readonly path: string };
  readonly cluster: string;
  /** `host_rewrite` (v2) or `host_rewrite_literal` (v3). */
  readonly hostRewrite: string | undefined;
  /** Route timeout; Envoy's default is 15000 ms; 0 disables it. */
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy | undefined;
  readonly hashPolicy: readonly HashPolicy[];
}

/** A virtual host of a route configuration. */
export interface VirtualHostConfig {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly RouteConfig[];
}

/** An HTTP listener: address plus its http_connection_manager. */
export interface ListenerConfig {
  readonly name: string;
  readonly address: SocketAddress;
  readonly statPrefix: string;
  /** HCM `server_name`, default `envoy`. */
  readonly serverName: string;
  readonly virtualHosts: readonly VirtualHostConfig[];
  /** Router `suppress_envoy_headers`. */
  readonly suppressEnvoyHeaders: boolean;
  /** HCM `max_request_headers_kb`: a request head (request line and headers) larger than this gets 431. */
  readonly maxRequestHeadersKb: number;
  /**
   * Listener `per_connection_buffer_limit_bytes`: pipelined bytes held before the client is read-paused, and
   * the most request body kept for a retry.
   */
  readonly bufferLimitBytes: number;
  /** Downstream timeouts and limits in ms (0 = off), see {@link ConnectionLimits}. */
  readonly limits: ConnectionLimits;
}

/** The HCM's timeouts and `common_http_protocol_options` for downstream connections; 0 disables each. */
export interface ConnectionLimits {
  /** `request_headers_timeout`: from a request's first byte to the end of its head (default 0). */
  readonly requestHeadersTimeoutMs: number;
  /** `stream_idle_timeout`: a request with no activity either way for this long (default 5 min). */
  readonly streamIdleTimeoutMs: number;
  /** `request_timeout`: from a request's first byte until it is received whole or the response starts (default 0). */
  readonly requestTimeoutMs: number;
  /** `common_http_protocol_options.idle_timeout`: a connection without a request for this long (default 1 h). */
  readonly idleTimeoutMs: number;
  /** `common_http_protocol_options.max_connection_duration` (default 0). */
  readonly maxConnectionDurationMs: number;
  /** `common_http_protocol_options.max_requests_per_connection` (default 0). */
  readonly maxRequestsPerConnection: number;
  /** `drain_timeout`: how long a draining HTTP/1 connection stays open for a next request (default 5 s). */
  readonly drainTimeoutMs: number;
}

/** The whole bootstrap after `${VAR}` expansion, parsing, validation and defaults. */
export interface ProxyConfig {
  /** Which Envoy API shape the file used. */
  readonly apiVersion: 'v2' | 'v3';
  readonly admin: { readonly address: SocketAddress; readonly accessLogPath: string | undefined };
  readonly listeners: readonly ListenerConfig[];
  readonly clusters: readonly ClusterConfig[];
  /** Fields that were accepted but change nothing here, as YAML paths, for the start-up log. */
  readonly ignoredFields: readonly string[];
  /** The parsed YAML document after expansion, for /config_dump. */
  readonly source: unknown;
}

// ---------------------------------------------------------------------------------------------------------
// Balancers: one stateful object per worker (Envoy gives every worker its own load balancer instance).
// ---------------------------------------------------------------------------------------------------------

/** A uniform random source returning an unsigned 32-bit integer in [0, 2^32). */
export type Rng = () => number;

/** A host as a balancer sees it. Index in the host list is the host's identity until the next `setHosts`. */
export interface BalancerHost {
  /** `ip:port` (IPv6 as `[::1]:80`), the ring-hash and Maglev key. */
  readonly key: string;
  /** Load-balancing weight, at least 1. */
  readonly weight: number;
  /**
   * When the host's slow-start window begins (Envoy's `last_hc_pass_time`): when it joined the cluster, and again
   * each time it passes active health checking after failing it. Undefined: when the balancer first sees it.
   */
  readonly slowStartFromMs?: number;
}

/** What a pick may look at besides the balancer's own state. */
export interface PickContext {
  /** Requests in flight on host `index`, over all workers (Envoy's `rq_active`). */
  readonly activeRequests: (index: number) => number;
  readonly random: Rng;
  /** 64-bit request hash from the route's hash policy; undefined when there is none. */
  readonly hash: bigint | undefined;
  /**
   * Host-selection attempt within one pick (Envoy's `chooseHost(h, attempt)`): 0, then k for the k-th re-pick
   * after a retry host predicate rejected the host (ring hash / Maglev move off the request's entry only then).
   */
  readonly attempt: number;
}

/** Options a balancer is built with (from the cluster config). */
export interface BalancerOptions {
  readonly policy: LbPolicy;
  readonly roundRobin: ClusterConfig['roundRobin'];
  readonly leastRequest: ClusterConfig['leastRequest'];
  readonly ringHash: ClusterConfig['ringHash'];
  readonly maglev: ClusterConfig['maglev'];
}

/**
 * One worker's load balancer. It starts with no hosts and is stateful: `pick` may advance it (the round-robin
 * index, an EDF schedule) and `setHosts` replaces its host set, keeping what Envoy keeps across a host-set
 * change (e.g. the round-robin index).
 */
export interface Balancer {
  readonly policy: LbPolicy;
  /** Replaces the host set (Envoy's host-set update); mutates this balancer. */
  setHosts(hosts: readonly BalancerHost[]): void;
  /** Picks a host and returns its index in the current host set, -1 when there is none; may mutate. */
  pick(context: PickContext): number;
}

/** A monotonic clock in milliseconds (wall time in the proxy, simulated time in the simulator). */
export type Clock = () => number;

/** Creates one worker's balancer from the cluster's options, that worker's seed and a clock (slow start). */
export type BalancerFactory = (options: BalancerOptions, seed: number, now: Clock) => Balancer;
