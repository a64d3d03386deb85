import type {
  AdminSnapshot,
  ClusterSnapshot,
  HostSnapshot,
  HostStatValues,
} from '../../../src/admin/snapshot.js';
import type { CircuitBreakerThresholds, ProxyConfig } from '../../../src/types.js';

/** Envoy's default circuit-breaker thresholds. */
export const DEFAULT_THRESHOLDS: CircuitBreakerThresholds = {
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
};

/** All-zero host stats with overrides. */
export function makeStats(overrides: Partial<HostStatValues> = {}): HostStatValues {
  return {
    cx_active: 0,
    cx_connect_fail: 0,
    cx_total: 0,
    rq_active: 0,
    rq_error: 0,
    rq_success: 0,
    rq_timeout: 0,
    rq_total: 0,
    ...overrides,
  };
}

/** A healthy STRICT_DNS host resolved from `myapp`, with overrides. */
export function makeHost(overrides: Partial<HostSnapshot> = {}): HostSnapshot {
  return {
    ip: '10.0.0.1',
    port: 80,
    hostname: 'myapp',
    weight: 1,
    priority: 0,
    healthFlags: [],
    stats: makeStats(),
    ...overrides,
  };
}

/** A static cluster with default circuit breakers. */
export function makeCluster(name: string, hosts: readonly HostSnapshot[]): ClusterSnapshot {
  return {
    name,
    addedViaApi: false,
    circuitBreakers: { default: DEFAULT_THRESHOLDS, high: DEFAULT_THRESHOLDS },
    hosts,
  };
}

/** The seed scenario's v2 config, as the YAML parser would return it. */
export const SEED_SOURCE = {
  admin: {
    access_log_path: '/tmp/admin_access.log',
    address: { socket_address: { address: '0.0.0.0', port_value: 9901 } },
  },
  static_resources: {
    listeners: [
      {
        name: 'listener_0',
        address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
        filter_chains: [
          {
            filters: [
              {
                name: 'envoy.http_connection_manager',
                config: {
                  stat_prefix: 'ingress_http',
                  route_config: {
                    name: 'local_route',
                    virtual_hosts: [
                      {
                        name: 'local_service',
                        domains: ['*'],
                        routes: [
                          {
                            match: { prefix: '/' },
                            route: { host_rewrite: 'myapp', cluster: 'myapp_cluster', timeout: '60s' },
                          },
                        ],
                      },
                    ],
                  },
                  http_filters: [{ name: 'envoy.router' }],
                },
              },
            ],
          },
        ],
      },
    ],
    clusters: [
      {
        name: 'myapp_cluster',
        connect_timeout: '0.25s',
        type: 'STRICT_DNS',
        dns_lookup_family: 'V4_ONLY',
        lb_policy: 'ROUND_ROBIN',
        hosts: [{ socket_address: { address: 'myapp', port_value: 80 } }],
      },
    ],
  },
};

/** A minimal parsed config around `source` (only what the admin renderers read). */
export function makeConfig(source: unknown = SEED_SOURCE, apiVersion: 'v2' | 'v3' = 'v2'): ProxyConfig {
  return {
    apiVersion,
    admin: { address: { address: '127.0.0.1', portValue: 0 }, accessLogPath: undefined },
    listeners: [],
    clusters: [],
    ignoredFields: [],
    source,
  };
}

/** An admin snapshot with one cluster and the seed config, with overrides. */
export function makeSnapshot(overrides: Partial<AdminSnapshot> = {}): AdminSnapshot {
  return {
    version: '0000000000000000000000000000000000000000/1.0.0/Clean/RELEASE/BoringSSL',
    state: 'LIVE',
    uptimeSeconds: 12.7,
    commandLine: { concurrency: 2, configPath: '/etc/envoy.yaml', logLevel: 'info', dnsServer: undefined },
    clusters: [makeCluster('myapp_cluster', [makeHost()])],
    counters: new Map(),
    gauges: new Map(),
    histograms: [],
    listenerAddresses: new Map([['listener_0', { ip: '127.0.0.1', port: 10000 }]]),
    config: makeConfig(),
    ...overrides,
  };
}
