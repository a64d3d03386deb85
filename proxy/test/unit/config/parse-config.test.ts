import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTION_LIMITS } from '../../../src/config/defaults.js';
import { parseProxyConfig } from '../../../src/config/parse-config.js';
import type { ClusterConfig, ProxyConfig } from '../../../src/types.js';

const SEED_ENV = { ENVOY_LB_ALG: 'LEAST_REQUEST', SERVICE_NAME: 'myapp' };

function readRepoFile(path: string): string {
  return readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8');
}

function parseFile(path: string, env: Readonly<Record<string, string>> = {}): ProxyConfig {
  return parseProxyConfig(readRepoFile(path), { file: path, env });
}

/** The parts of a config that must not depend on the API shape it was written in. */
function normalize(config: ProxyConfig) {
  return { admin: config.admin, listeners: config.listeners, clusters: config.clusters };
}

const DEFAULT_THRESHOLDS = {
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
};

describe('the seed templates', () => {
  const v2 = parseFile('proxy/envoy.yaml.tmpl', SEED_ENV);
  const v3 = parseFile('proxy/envoy-v3.yaml.tmpl', SEED_ENV);

  it('detect their API shape', () => {
    expect(v2.apiVersion).toBe('v2');
    expect(v3.apiVersion).toBe('v3');
  });

  it('give the same normalized admin, listeners and clusters in v2 and v3', () => {
    expect(normalize(v3)).toEqual(normalize(v2));
  });

  it('give the write-up scenario: STRICT_DNS myapp:80 with the policy from ENVOY_LB_ALG', () => {
    const expectedCluster: ClusterConfig = {
      name: 'myapp_cluster',
      type: 'STRICT_DNS',
      lbPolicy: 'LEAST_REQUEST',
      connectTimeoutMs: 250,
      endpoints: [{ address: 'myapp', portValue: 80, weight: 1, hostname: undefined }],
      dnsLookupFamily: 'V4_ONLY',
      dnsRefreshRateMs: 5000,
      dnsJitterMs: 0,
      respectDnsTtl: false,
      dnsFailureRefreshRate: undefined,
      dnsResolvers: [],
      circuitBreakers: { default: DEFAULT_THRESHOLDS, high: DEFAULT_THRESHOLDS },
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
    expect(v2.clusters).toEqual([expectedCluster]);
    expect(v2.admin).toEqual({
      address: { address: '0.0.0.0', portValue: 9901 },
      accessLogPath: '/tmp/admin_access.log',
    });
    expect(v2.listeners).toEqual([
      {
        name: 'listener_0',
        address: { address: '0.0.0.0', portValue: 80 },
        statPrefix: 'ingress_http',
        serverName: 'envoy',
        suppressEnvoyHeaders: false,
        maxRequestHeadersKb: 60,
        limits: DEFAULT_CONNECTION_LIMITS,
        bufferLimitBytes: 1048576,
        virtualHosts: [
          {
            name: 'local_service',
            domains: ['*'],
            routes: [
              {
                match: { prefix: '/' },
                cluster: 'myapp_cluster',
                hostRewrite: 'myapp',
                timeoutMs: 60_000,
                retryPolicy: undefined,
                hashPolicy: [],
              },
            ],
          },
        ],
      },
    ]);
    expect(v2.ignoredFields).toEqual([]);
    expect(v3.ignoredFields).toEqual([]);
  });

  it('count as v2 when the HCM typed_config carries the v2 type URL', () => {
    const text = readRepoFile('proxy/envoy-v3.yaml.tmpl').replace(
      'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
      'envoy.config.filter.network.http_connection_manager.v2.HttpConnectionManager',
    );
    const config = parseProxyConfig(text, { file: 'v2-typed.yaml', env: SEED_ENV });
    expect(config.apiVersion).toBe('v2');
    expect(normalize(config)).toEqual(normalize(v3));
  });

  it.each(['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV'] as const)(
    'take lb_policy %s from the environment',
    (policy) => {
      const config = parseFile('proxy/envoy-v3.yaml.tmpl', { ENVOY_LB_ALG: policy, SERVICE_NAME: 'svc.ns' });
      expect(config.clusters[0]?.lbPolicy).toBe(policy);
      expect(config.clusters[0]?.endpoints[0]?.address).toBe('svc.ns');
    },
  );

  it('keep the expanded document as the source for /config_dump', () => {
    expect(v3.source).toMatchObject({
      static_resources: { clusters: [{ name: 'myapp_cluster', lb_policy: 'LEAST_REQUEST' }] },
    });
  });
});

describe('defaults', () => {
  const config = parseFile('proxy/test/fixtures/proxy-configs/minimal-v3.yaml');

  it('fill every cluster field as Envoy does (a cluster without type is STATIC)', () => {
    expect(config.clusters).toEqual([
      {
        name: 'backend',
        type: 'STATIC',
        lbPolicy: 'ROUND_ROBIN',
        connectTimeoutMs: 5000,
        endpoints: [{ address: '127.0.0.1', portValue: 8080, weight: 1, hostname: undefined }],
        dnsLookupFamily: 'AUTO',
        dnsRefreshRateMs: 5000,
        dnsJitterMs: 0,
        respectDnsTtl: false,
        dnsFailureRefreshRate: undefined,
        dnsResolvers: [],
        circuitBreakers: { default: DEFAULT_THRESHOLDS, high: DEFAULT_THRESHOLDS },
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
      },
    ]);
  });

  it('fill listener and route defaults: 15 s timeout, no retries, server "envoy", generated name', () => {
    expect(config.apiVersion).toBe('v3');
    expect(config.admin).toEqual({
      address: { address: '127.0.0.1', portValue: 0 },
      accessLogPath: undefined,
    });
    expect(config.listeners).toEqual([
      {
        name: 'listener_0',
        address: { address: '127.0.0.1', portValue: 0 },
        statPrefix: 'ingress_http',
        serverName: 'envoy',
        suppressEnvoyHeaders: false,
        maxRequestHeadersKb: 60,
        limits: DEFAULT_CONNECTION_LIMITS,
        bufferLimitBytes: 1048576,
        virtualHosts: [
          {
            name: 'backend',
            domains: ['*'],
            routes: [
              {
                match: { prefix: '/' },
                cluster: 'backend',
                hostRewrite: undefined,
                timeoutMs: 15_000,
                retryPolicy: undefined,
                hashPolicy: [],
              },
            ],
          },
        ],
      },
    ]);
  });

  it('fill retry-policy defaults: one retry, no per-try timeout', () => {
    const text = readRepoFile('proxy/test/fixtures/proxy-configs/minimal-v3.yaml').replace(
      'route: { cluster: backend }',
      'route: { cluster: backend, retry_policy: { retry_on: 5xx } }',
    );
    const route = parseProxyConfig(text, { file: 'minimal.yaml', env: {} }).listeners[0]?.virtualHosts[0]
      ?.routes[0];
    expect(route?.retryPolicy).toEqual({
      retryOn: ['5xx'],
      numRetries: 1,
      perTryTimeoutMs: undefined,
      retriableStatusCodes: [],
      hasPreviousHostsPredicate: false,
      hostSelectionMaxAttempts: 1,
      backOff: { baseIntervalMs: 25, maxIntervalMs: 250 },
    });
  });
});

describe('a config with every supported field set', () => {
  const v3 = parseFile('proxy/test/fixtures/proxy-configs/tuned-v3.yaml');
  const v2 = parseFile('proxy/test/fixtures/proxy-configs/tuned-v2.yaml');

  it('reads the same values from the v2 and the v3 shape', () => {
    expect(v2.apiVersion).toBe('v2');
    expect(v3.apiVersion).toBe('v3');
    expect(normalize(v2)).toEqual(normalize(v3));
  });

  it('reads admin, listener and routes', () => {
    expect(v3.admin).toEqual({ address: { address: '::1', portValue: 19_901 }, accessLogPath: '/dev/null' });
    const listener = v3.listeners[0];
    expect(listener).toMatchObject({
      name: 'ingress',
      statPrefix: 'bench',
      serverName: 'lbbench',
      suppressEnvoyHeaders: true,
      maxRequestHeadersKb: 60,
      limits: DEFAULT_CONNECTION_LIMITS,
      bufferLimitBytes: 1048576,
    });
    expect(listener?.virtualHosts.map((host) => host.domains)).toEqual([
      ['api.example.com', '*.api.example.com'],
      ['*'],
    ]);
    expect(listener?.virtualHosts[0]?.routes).toEqual([
      {
        match: { path: '/health' },
        cluster: 'static_backend',
        hostRewrite: undefined,
        timeoutMs: 0,
        retryPolicy: undefined,
        hashPolicy: [],
      },
      {
        match: { prefix: '/' },
        cluster: 'ring',
        hostRewrite: 'ring.internal',
        timeoutMs: 2500,
        retryPolicy: {
          retryOn: ['5xx', 'reset', 'connect-failure', 'retriable-status-codes'],
          numRetries: 3,
          perTryTimeoutMs: 750,
          retriableStatusCodes: [503, 429],
          hasPreviousHostsPredicate: true,
          hostSelectionMaxAttempts: 3,
          backOff: { baseIntervalMs: 10, maxIntervalMs: 500 },
        },
        hashPolicy: [{ headerName: 'x-user', terminal: true }],
      },
    ]);
    expect(listener?.virtualHosts[1]?.routes[0]?.match).toEqual({ prefix: '' });
  });

  it('reads the DNS, circuit-breaker and least-request settings of a STRICT_DNS cluster', () => {
    expect(v3.clusters[0]).toMatchObject({
      name: 'dns_backend',
      type: 'STRICT_DNS',
      lbPolicy: 'LEAST_REQUEST',
      connectTimeoutMs: 1000,
      endpoints: [
        { address: 'myapp.default.svc.cluster.local.', portValue: 80, weight: 3, hostname: 'myapp' },
        { address: 'other', portValue: 8080, weight: 1, hostname: undefined },
      ],
      dnsLookupFamily: 'V6_ONLY',
      dnsRefreshRateMs: 250,
      dnsJitterMs: 100,
      respectDnsTtl: true,
      dnsFailureRefreshRate: { baseIntervalMs: 1000, maxIntervalMs: 10_000 },
      circuitBreakers: {
        default: { ...DEFAULT_THRESHOLDS, maxRequests: 2048 },
        high: { maxConnections: 10, maxPendingRequests: 20, maxRequests: 30, maxRetries: 4 },
      },
      leastRequest: { choiceCount: 3, activeRequestBias: 0.5 },
      maxRequestsPerConnection: 100,
      closeConnectionsOnHostSetChange: true,
    });
  });

  it('reads ring-hash and Maglev settings', () => {
    expect(v3.clusters[1]).toMatchObject({
      type: 'LOGICAL_DNS',
      lbPolicy: 'RING_HASH',
      dnsFailureRefreshRate: { baseIntervalMs: 2000, maxIntervalMs: 4000 },
      ringHash: { minimumRingSize: 64, maximumRingSize: 4096, hashFunction: 'MURMUR_HASH_2' },
    });
    expect(v3.clusters[2]).toMatchObject({
      type: 'STATIC',
      lbPolicy: 'MAGLEV',
      maglev: { tableSize: 251 },
      endpoints: [
        { address: '10.0.0.1', portValue: 80, weight: 1, hostname: undefined },
        { address: 'fd00::2', portValue: 80, weight: 1, hostname: undefined },
      ],
    });
  });

  it('records only runtime_key as ignored', () => {
    expect(v3.ignoredFields).toEqual([
      'static_resources.clusters[0].least_request_lb_config.active_request_bias.runtime_key',
    ]);
  });
});

describe('accepted but ignored fields', () => {
  it('are listed by their YAML path, in the order the parser meets them', () => {
    const config = parseFile('proxy/test/fixtures/proxy-configs/ignored-fields.yaml');
    const hcm = 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config';
    expect(config.ignoredFields).toEqual([
      'node',
      'layered_runtime',
      'admin.profile_path',
      'admin.access_log[0]',
      'static_resources.clusters[0].http2_protocol_options',
      'static_resources.clusters[0].load_assignment.endpoints[0].locality',
      'static_resources.clusters[0].dns_refresh_rate',
      'static_resources.clusters[0].circuit_breakers.thresholds[0].track_remaining',
      'static_resources.clusters[0].ring_hash_lb_config',
      `${hcm}.use_remote_address`,
      `${hcm}.tracing`,
      `${hcm}.route_config.virtual_hosts[0].routes[0].route.rate_limits`,
      `${hcm}.route_config.virtual_hosts[0].routes[0].route.hash_policy`,
      `${hcm}.http_filters[0].typed_config.dynamic_stats`,
    ]);
  });
});
