import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../../src/config/parse-config.js';
import { ProxyConfigError } from '../../../src/config/proxy-config-error.js';

const V3 = readFileSync(new URL('../../../envoy-v3.yaml.tmpl', import.meta.url), 'utf8');
const V2 = readFileSync(new URL('../../../envoy.yaml.tmpl', import.meta.url), 'utf8');
const ENV = { ENVOY_LB_ALG: 'LEAST_REQUEST', SERVICE_NAME: 'myapp' };

const CLUSTER = 'static_resources.clusters[0]';
const HCM = 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config';
const ROUTE = `${HCM}.route_config.virtual_hosts[0].routes[0]`;
const ENDPOINT = `${CLUSTER}.load_assignment.endpoints[0].lb_endpoints[0]`;

/** Replaces one exact piece of a template, failing loudly if the piece is not there. */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`test setup: ${JSON.stringify(from)} not in the template`);
  return text.replace(from, to);
}

/** Inserts cluster fields before the template cluster's lb_policy line. */
function withClusterFields(fields: string, template = V3): string {
  return edit(template, '    lb_policy:', `${fields}\n    lb_policy:`);
}

function captureError(text: string, env: Readonly<Record<string, string>> = ENV): ProxyConfigError {
  try {
    parseProxyConfig(text, { file: 'envoy.yaml', env });
  } catch (error) {
    if (error instanceof ProxyConfigError) return error;
    throw error;
  }
  throw new Error('expected a ProxyConfigError');
}

const LOGICAL_TWO_ENDPOINTS = edit(
  edit(V3, 'type: STRICT_DNS', 'type: LOGICAL_DNS'),
  '        - endpoint:\n',
  '        - endpoint: { address: { socket_address: { address: other, port_value: 80 } } }\n        - endpoint:\n',
);

describe('parseProxyConfig rejects bad configs with FILE: path: message', () => {
  it.each<[string, string, Readonly<Record<string, string>>, string]>([
    [
      'a misspelt lb_policy',
      V3,
      { ...ENV, ENVOY_LB_ALG: 'LEAST_REQUESTS' },
      `envoy.yaml: ${CLUSTER}.lb_policy: must be one of ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, got "LEAST_REQUESTS"`,
    ],
    [
      'an lb_policy in the wrong case',
      V3,
      { ...ENV, ENVOY_LB_ALG: 'random' },
      `envoy.yaml: ${CLUSTER}.lb_policy: must be one of ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, got "random"; enum names are case-sensitive, did you mean "RANDOM"?`,
    ],
    [
      'an unset variable',
      V3,
      { SERVICE_NAME: 'myapp' },
      'envoy.yaml: line 39, column 16: environment variable ENVOY_LB_ALG is not set (used as ${ENVOY_LB_ALG}); set it or replace the reference',
    ],
    [
      'two unset variables (both reported)',
      V2,
      {},
      [
        'envoy.yaml: line 30, column 16: environment variable ENVOY_LB_ALG is not set (used as ${ENVOY_LB_ALG}); set it or replace the reference',
        'envoy.yaml: line 31, column 42: environment variable SERVICE_NAME is not set (used as ${SERVICE_NAME}); set it or replace the reference',
      ].join('\n'),
    ],
    [
      'a variable set to an empty value',
      V3,
      { ...ENV, ENVOY_LB_ALG: '' },
      `envoy.yaml: ${CLUSTER}.lb_policy: must be one of ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, got null (an empty value)`,
    ],
    [
      'a bare number as a duration',
      edit(V3, 'connect_timeout: 0.25s', 'connect_timeout: 250'),
      ENV,
      `envoy.yaml: ${CLUSTER}.connect_timeout: must be a duration such as "0.25s", "60s" or "5000ms", or {seconds, nanos}, got 250 (a number without a unit)`,
    ],
    [
      'a negative duration',
      edit(V3, 'timeout: 60s', 'timeout: -1s'),
      ENV,
      `envoy.yaml: ${ROUTE}.route.timeout: must not be negative, got "-1s"`,
    ],
    [
      'a zero connect timeout',
      edit(V3, 'connect_timeout: 0.25s', 'connect_timeout: 0s'),
      ENV,
      `envoy.yaml: ${CLUSTER}.connect_timeout: must be longer than 0ms, got "0s"`,
    ],
    [
      'a DNS refresh rate of 1 ms',
      withClusterFields('    dns_refresh_rate: 1ms'),
      ENV,
      `envoy.yaml: ${CLUSTER}.dns_refresh_rate: must be longer than 1ms, got "1ms"`,
    ],
    [
      'a route to an unknown cluster',
      edit(V3, 'cluster: myapp_cluster,', 'cluster: myapp,'),
      ENV,
      `envoy.yaml: ${ROUTE}.route.cluster: unknown cluster "myapp"; defined clusters: myapp_cluster`,
    ],
    [
      'a LOGICAL_DNS cluster with two endpoints',
      LOGICAL_TWO_ENDPOINTS,
      ENV,
      `envoy.yaml: ${CLUSTER}.load_assignment: LOGICAL_DNS clusters must have exactly one endpoint (one locality with one lb_endpoint), got 2 endpoints in 1 locality`,
    ],
    [
      'a v2 LOGICAL_DNS cluster with two hosts',
      edit(
        edit(V2, 'type: STRICT_DNS', 'type: LOGICAL_DNS'),
        'hosts: [',
        'hosts: [{ socket_address: { address: b, port_value: 80 }}, ',
      ),
      ENV,
      `envoy.yaml: ${CLUSTER}.hosts: LOGICAL_DNS clusters must have exactly one host, got 2`,
    ],
    [
      'badly indented YAML',
      edit(V3, '    type: STRICT_DNS', '   type: STRICT_DNS'),
      ENV,
      'envoy.yaml: line 37, column 1: invalid YAML: Sequence item without - indicator (and 6 more YAML problems after it)',
    ],
    [
      'an unclosed flow sequence',
      edit(V3, 'domains: ["*"]', 'domains: ["*"'),
      ENV,
      'envoy.yaml: line 27, column 15: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'a duplicate key',
      edit(V3, '    type: STRICT_DNS', '    type: STRICT_DNS\n    type: STATIC'),
      ENV,
      'envoy.yaml: line 38, column 5: invalid YAML: Map keys must be unique',
    ],
    [
      'two YAML documents',
      `${V3}---\n{}\n`,
      ENV,
      'envoy.yaml: line 47, column 1: invalid YAML: the file must hold a single YAML document; remove the "---" separators',
    ],
    [
      'an empty file',
      '',
      ENV,
      'envoy.yaml: the file is empty; expected a mapping with admin and static_resources',
    ],
    ['a list at the top', '- admin\n', ENV, 'envoy.yaml: must be a mapping, got a list'],
    [
      'no admin block',
      'static_resources: {}\n',
      ENV,
      'envoy.yaml: admin: is required; lbbench-proxy serves /clusters and /config_dump there, e.g. admin: {address: {socket_address: {address: 0.0.0.0, port_value: 9901}}}',
    ],
    [
      'a port out of range',
      edit(V3, 'port_value: 9901', 'port_value: 99010'),
      ENV,
      'envoy.yaml: admin.address.socket_address.port_value: must be an integer from 0 to 65535, got 99010',
    ],
    [
      'an upstream port 0',
      V2.replace('${SERVICE_NAME}, port_value: 80', '${SERVICE_NAME}, port_value: 0'),
      ENV,
      `envoy.yaml: ${CLUSTER}.hosts[0].socket_address.port_value: must be an integer from 1 to 65535, got 0`,
    ],
    [
      'a DNS name in a STATIC cluster',
      edit(V3, 'type: STRICT_DNS', 'type: STATIC'),
      ENV,
      `envoy.yaml: ${ENDPOINT}.endpoint.address.socket_address.address: STATIC clusters need IP addresses, got "myapp"; use type STRICT_DNS or LOGICAL_DNS for DNS names`,
    ],
    [
      'an invalid DNS name',
      V3,
      { ...ENV, SERVICE_NAME: 'my app' },
      `envoy.yaml: ${ENDPOINT}.endpoint.address.socket_address.address: must be a DNS name or an IP address, got "my app"`,
    ],
    [
      'a listener on a host name',
      edit(V3, 'address: 0.0.0.0, port_value: 80', 'address: localhost, port_value: 80'),
      ENV,
      'envoy.yaml: static_resources.listeners[0].address.socket_address.address: must be an IP address to listen on, such as 0.0.0.0, 127.0.0.1 or ::, got "localhost"',
    ],
    [
      'a duplicate cluster name',
      edit(V3, '  clusters:\n', '  clusters:\n  - { name: myapp_cluster, type: STATIC }\n'),
      ENV,
      'envoy.yaml: static_resources.clusters[1].name: duplicate cluster name "myapp_cluster" (also static_resources.clusters[0])',
    ],
    [
      'an unsupported Envoy field',
      withClusterFields('    transport_socket: {}'),
      ENV,
      `envoy.yaml: ${CLUSTER}.transport_socket: Envoy field "transport_socket" is not supported by lbbench-proxy; supported here: name, type, connect_timeout, lb_policy, hosts, load_assignment, dns_lookup_family, dns_refresh_rate, dns_jitter, respect_dns_ttl, dns_failure_refresh_rate, dns_resolvers, typed_dns_resolver_config, circuit_breakers, least_request_lb_config, round_robin_lb_config, ring_hash_lb_config, maglev_lb_config, common_lb_config, max_requests_per_connection, common_http_protocol_options, outlier_detection, health_checks, ignore_health_on_host_removal`,
    ],
    [
      'an unknown field in a small message',
      edit(V3, 'match: { prefix: "/" }', 'match: { prefx: "/" }'),
      ENV,
      [
        `envoy.yaml: ${ROUTE}.match.prefx: unknown field "prefx" (did you mean "prefix"?); allowed: prefix, path`,
        `envoy.yaml: ${ROUTE}.match: must set prefix (e.g. "/") or path; lbbench-proxy supports no other matchers`,
      ].join('\n'),
    ],
    [
      'a router with a wrong type URL',
      edit(V3, 'router.v3.Router', 'router.v3.Routr'),
      ENV,
      `envoy.yaml: ${HCM}.http_filters[0].typed_config.@type: lbbench-proxy supports only the router HTTP filter (envoy.filters.http.router, v2: envoy.router): "@type" must be "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" (v2: "type.googleapis.com/envoy.config.filter.http.router.v2.Router"), got "type.googleapis.com/envoy.extensions.filters.http.router.v3.Routr"`,
    ],
    [
      'a network filter other than the HCM',
      edit(V2, 'envoy.http_connection_manager', 'envoy.tcp_proxy'),
      ENV,
      'envoy.yaml: static_resources.listeners[0].filter_chains[0].filters[0].name: lbbench-proxy supports only the http_connection_manager network filter (envoy.filters.network.http_connection_manager, v2: envoy.http_connection_manager), got "envoy.tcp_proxy"',
    ],
    [
      'both host_rewrite and host_rewrite_literal',
      edit(V3, 'host_rewrite_literal: myapp,', 'host_rewrite_literal: myapp, host_rewrite: myapp,'),
      ENV,
      `envoy.yaml: ${ROUTE}.route: set either host_rewrite (v2) or host_rewrite_literal (v3), not both`,
    ],
    [
      'both hosts and load_assignment',
      withClusterFields('    hosts: []'),
      ENV,
      `envoy.yaml: ${CLUSTER}: set either hosts (v2) or load_assignment, not both`,
    ],
    [
      'an unsupported retry condition',
      edit(V3, 'timeout: 60s }', 'timeout: 60s, retry_policy: { retry_on: "5xx,refused-stream" } }'),
      ENV,
      `envoy.yaml: ${ROUTE}.route.retry_policy.retry_on: unsupported retry condition "refused-stream"; supported: 5xx, gateway-error, reset, reset-before-request, connect-failure, retriable-4xx, retriable-status-codes, envoy-ratelimited (comma-separated; the gRPC, refused-stream, retriable-headers and http3 conditions are not implemented)`,
    ],
    [
      'a retry host predicate other than previous_hosts',
      edit(
        V3,
        'timeout: 60s }',
        'timeout: 60s, retry_policy: { retry_on: 5xx, retry_host_predicate: [{ name: envoy.retry_host_predicates.omit_canary_hosts }] } }',
      ),
      ENV,
      `envoy.yaml: ${ROUTE}.route.retry_policy.retry_host_predicate[0].name: unsupported retry host predicate "envoy.retry_host_predicates.omit_canary_hosts"; lbbench-proxy implements only envoy.retry_host_predicates.previous_hosts`,
    ],
    [
      'a retry back-off whose max is below its base',
      edit(
        V3,
        'timeout: 60s }',
        'timeout: 60s, retry_policy: { retry_on: 5xx, retry_back_off: { base_interval: 0.1s, max_interval: 0.05s } } }',
      ),
      ENV,
      `envoy.yaml: ${ROUTE}.route.retry_policy.retry_back_off.max_interval: must be greater than or equal to base_interval (100 ms), got 50 ms`,
    ],
    [
      'a route idle_timeout, which would change replies',
      edit(V3, 'timeout: 60s }', 'timeout: 60s, idle_timeout: 5s }'),
      ENV,
      `envoy.yaml: ${ROUTE}.route.idle_timeout: Envoy field "idle_timeout" is not supported by lbbench-proxy; supported here: cluster, host_rewrite, host_rewrite_literal, timeout, retry_policy, hash_policy`,
    ],
    [
      'a slow start min_weight_percent above 100',
      withClusterFields(
        '    round_robin_lb_config: { slow_start_config: { slow_start_window: 10s, min_weight_percent: { value: 150 } } }',
      ),
      ENV,
      `envoy.yaml: ${CLUSTER}.round_robin_lb_config.slow_start_config.min_weight_percent.value: must be a percentage from 0 to 100, got 150`,
    ],
    [
      'a Maglev table size that is not prime',
      withClusterFields('    maglev_lb_config: { table_size: 65536 }'),
      ENV,
      `envoy.yaml: ${CLUSTER}.maglev_lb_config.table_size: must be a prime number such as 65537, got 65536`,
    ],
    [
      'a choice count below 2',
      withClusterFields('    least_request_lb_config: { choice_count: 1 }'),
      ENV,
      `envoy.yaml: ${CLUSTER}.least_request_lb_config.choice_count: must be an integer from 2 to 4294967295, got 1`,
    ],
    [
      'a ring minimum above the maximum',
      withClusterFields('    ring_hash_lb_config: { minimum_ring_size: 4096, maximum_ring_size: 1024 }'),
      ENV,
      `envoy.yaml: ${CLUSTER}.ring_hash_lb_config.minimum_ring_size: must not exceed maximum_ring_size (1024), got 4096`,
    ],
    [
      'a DNS failure max interval below the base',
      withClusterFields('    dns_failure_refresh_rate: { base_interval: 5s, max_interval: 1s }'),
      ENV,
      `envoy.yaml: ${CLUSTER}.dns_failure_refresh_rate.max_interval: must not be shorter than base_interval (5000ms), got 1000ms`,
    ],
    [
      'two threshold sets for one priority',
      withClusterFields('    circuit_breakers: { thresholds: [{ max_retries: 1 }, { priority: DEFAULT }] }'),
      ENV,
      `envoy.yaml: ${CLUSTER}.circuit_breakers.thresholds[1].priority: duplicate thresholds for priority DEFAULT (also ${CLUSTER}.circuit_breakers.thresholds[0])`,
    ],
    [
      'an endpoint priority other than 0',
      edit(V3, '      - lb_endpoints:', '      - priority: 1\n        lb_endpoints:'),
      ENV,
      `envoy.yaml: ${CLUSTER}.load_assignment.endpoints[0].priority: must be 0, got 1; lbbench-proxy has a single priority (no failover between priorities)`,
    ],
    [
      'a max_request_headers_kb of 0',
      edit(V3, 'stat_prefix: ingress_http', 'stat_prefix: ingress_http\n          max_request_headers_kb: 0'),
      ENV,
      `envoy.yaml: ${HCM}.max_request_headers_kb: must be an integer from 1 to 8192, got 0`,
    ],
    [
      'an HTTP/2 codec',
      edit(V3, 'stat_prefix: ingress_http', 'stat_prefix: ingress_http\n          codec_type: HTTP2'),
      ENV,
      `envoy.yaml: ${HCM}.codec_type: must be one of AUTO, HTTP1, got "HTTP2"`,
    ],
    [
      'an admin access log without a typed_config mapping',
      edit(
        V3,
        '    typed_config:\n      "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog\n      path: /tmp/admin_access.log',
        '    typed_config: /tmp/admin_access.log',
      ),
      ENV,
      'envoy.yaml: admin.access_log[0].typed_config: got "/tmp/admin_access.log"; must be a mapping with "@type"',
    ],
    [
      'a hash policy on cookies',
      edit(V3, 'timeout: 60s }', 'timeout: 60s, hash_policy: [{ cookie: { name: session } }] }'),
      ENV,
      [
        `envoy.yaml: ${ROUTE}.route.hash_policy[0].cookie: Envoy field "cookie" is not supported by lbbench-proxy; supported here: header, terminal`,
        `envoy.yaml: ${ROUTE}.route.hash_policy[0]: must set header: {header_name: …}; lbbench-proxy hashes only on request headers`,
      ].join('\n'),
    ],
    [
      'a duplicate domain',
      edit(V3, 'domains: ["*"]', 'domains: ["*", "A.example", "a.example"]'),
      ENV,
      `envoy.yaml: ${HCM}.route_config.virtual_hosts[0].domains[2]: duplicate domain "a.example" (also ${HCM}.route_config.virtual_hosts[0].domains[1]); Envoy requires unique domains`,
    ],
  ])('%s', (_name, text, env, expected) => {
    const error = captureError(text, env);
    expect(error.message).toBe(expected);
    expect(error.code).toBe('LBB_PROXY_CONFIG_INVALID');
    expect(error.file).toBe('envoy.yaml');
    expect(error.issues).toHaveLength(expected.split('\n').length);
  });

  it('reports every problem of a file at once, in document order within a cluster', () => {
    const text = withClusterFields(
      '    lb_polcy: RANDOM\n    connect_timeout: soon',
      edit(V3, '    connect_timeout: 0.25s\n', ''),
    );
    const error = captureError(edit(text, 'cluster: myapp_cluster,', 'cluster: other,'), {
      ...ENV,
      ENVOY_LB_ALG: 'FASTEST',
    });
    expect(error.issues.map((issue) => issue.path)).toEqual([
      `${CLUSTER}.lb_polcy`,
      `${CLUSTER}.lb_policy`,
      `${CLUSTER}.connect_timeout`,
      `${ROUTE}.route.cluster`,
    ]);
  });

  it('refuses a duplicate listener name and address', () => {
    const listener = V3.slice(V3.indexOf('  - name: listener_0'), V3.indexOf('  clusters:'));
    const error = captureError(edit(V3, '  clusters:\n', `${listener}  clusters:\n`));
    expect(error.issues).toEqual([
      {
        path: 'static_resources.listeners[1].name',
        message: 'duplicate listener name "listener_0" (also static_resources.listeners[0])',
      },
      {
        path: 'static_resources.listeners[1].address',
        message: 'duplicate listener address 0.0.0.0:80 (also static_resources.listeners[0])',
      },
    ]);
  });
});

describe('limits and timeouts', () => {
  it.each([
    ['stream_idle_timeout: -1s', `${HCM}.stream_idle_timeout: must not be negative, got "-1s"`],
    ['request_headers_timeout: 5', `${HCM}.request_headers_timeout: must be a duration`],
    [
      'common_http_protocol_options: { max_headers_count: 50 }',
      `${HCM}.common_http_protocol_options.max_headers_count: Envoy field "max_headers_count" is not supported by lbbench-proxy`,
    ],
  ])('rejects HCM %s, naming the field', (field, expected) => {
    const error = captureError(
      edit(V3, 'stat_prefix: ingress_http', `stat_prefix: ingress_http\n          ${field}`),
    );
    expect(error.message).toContain(expected);
  });

  it.each([
    [
      '    common_http_protocol_options: { idle_timeout: 10s }',
      `${CLUSTER}.common_http_protocol_options.idle_timeout: Envoy field "idle_timeout" is not supported by lbbench-proxy`,
    ],
    [
      '    typed_extension_protocol_options: {}',
      `${CLUSTER}.typed_extension_protocol_options: Envoy field "typed_extension_protocol_options" is not supported`,
    ],
    [
      '    max_requests_per_connection: 5\n    common_http_protocol_options: { max_requests_per_connection: 6 }',
      `${CLUSTER}.common_http_protocol_options.max_requests_per_connection: must not be set together with the cluster-level max_requests_per_connection`,
    ],
  ])('rejects cluster %s instead of ignoring it', (fields, expected) => {
    expect(captureError(withClusterFields(fields)).message).toContain(expected);
  });
});
