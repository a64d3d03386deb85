import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import type { ProxyConfigPatch } from '../../../../src/backends/local/proxy-config.js';
import { expandTemplateVariables, patchProxyConfig } from '../../../../src/backends/local/proxy-config.js';
import { readProxyTemplate } from '../../../support/proxy-fixture.js';

/** The bundled v2 template: the seed scenario's, verbatim (see reference/seed-scenario.md). */
const V2_TEMPLATE = await readProxyTemplate('envoy.yaml.tmpl');

const V3_CLUSTERS = `admin:
  address: { socket_address: { address: 0.0.0.0, port_value: 9901 } }
static_resources:
  listeners:
  - name: listener_0
    address: { socket_address: { address: 0.0.0.0, port_value: 80 } }
  clusters:
  - name: myapp_cluster
    type: STRICT_DNS
    lb_policy: ROUND_ROBIN
    load_assignment:
      cluster_name: myapp_cluster
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: myapp, port_value: 80 } } }
  - name: other
    type: STATIC
    load_assignment:
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: 10.0.0.9, port_value: 80 } } }
`;

const PATCH: ProxyConfigPatch = {
  serviceName: 'myapp',
  podPort: 43210,
  dnsRefreshRateMs: 500,
  respectDnsTtl: false,
  dnsResolver: undefined,
  retries: undefined,
};

type Doc = Record<string, unknown>;

function at(doc: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown> | undefined)?.[key],
    doc,
  );
}

describe('expandTemplateVariables', () => {
  it.each([
    ['lb_policy: ${ENVOY_LB_ALG}', 'lb_policy: LEAST_REQUEST'],
    ['address: ${SERVICE_NAME}, ${SERVICE_NAME}', 'address: myapp, myapp'],
    ['kept: ${OTHER} and $ENVOY_LB_ALG', 'kept: ${OTHER} and $ENVOY_LB_ALG'],
  ])('%s → %s', (text, expected) => {
    expect(expandTemplateVariables(text, { ENVOY_LB_ALG: 'LEAST_REQUEST', SERVICE_NAME: 'myapp' })).toBe(
      expected,
    );
  });
});

describe('patchProxyConfig', () => {
  const rendered = expandTemplateVariables(V2_TEMPLATE, { ENVOY_LB_ALG: 'RANDOM', SERVICE_NAME: 'myapp' });

  it('binds admin and listeners to 127.0.0.1:0 and points the Service endpoint at the pods port (v2)', () => {
    const doc = parse(patchProxyConfig(rendered, PATCH, 'envoy.yaml.tmpl')) as Doc;
    expect(at(doc, 'admin', 'address', 'socket_address')).toEqual({ address: '127.0.0.1', port_value: 0 });
    expect(at(doc, 'static_resources', 'listeners', 0, 'address', 'socket_address')).toEqual({
      address: '127.0.0.1',
      port_value: 0,
    });
    const cluster = at(doc, 'static_resources', 'clusters', 0) as Doc;
    expect(at(cluster, 'hosts', 0, 'socket_address')).toEqual({ address: 'myapp', port_value: 43210 });
    expect(cluster).toMatchObject({ lb_policy: 'RANDOM', dns_refresh_rate: '0.5s', respect_dns_ttl: false });
    expect(cluster).not.toHaveProperty('dns_resolvers');
  });

  it('leaves everything else as written', () => {
    const before = parse(rendered) as Doc;
    const after = parse(patchProxyConfig(rendered, PATCH, 'x')) as Doc;
    expect(at(after, 'admin', 'access_log_path')).toBe(at(before, 'admin', 'access_log_path'));
    expect(at(after, 'static_resources', 'listeners', 0, 'filter_chains')).toEqual(
      at(before, 'static_resources', 'listeners', 0, 'filter_chains'),
    );
    expect(at(after, 'static_resources', 'clusters', 0, 'connect_timeout')).toBe('0.25s');
  });

  it('points a v2 cluster at the embedded DNS server with dns_resolvers when asked', () => {
    const patch = { ...PATCH, dnsResolver: { address: '127.0.0.1', port: 5353 } };
    const doc = parse(patchProxyConfig(rendered, patch, 'x')) as Doc;
    expect(at(doc, 'static_resources', 'clusters', 0, 'dns_resolvers')).toEqual([
      { socket_address: { address: '127.0.0.1', port_value: 5353 } },
    ]);
  });

  it('patches only the Service endpoints of a v3 config, with a c-ares resolver when asked', () => {
    const patch = {
      ...PATCH,
      dnsRefreshRateMs: 5000,
      respectDnsTtl: true,
      dnsResolver: { address: '127.0.0.1', port: 5353 },
    };
    const doc = parse(patchProxyConfig(V3_CLUSTERS, patch, 'x')) as Doc;
    const [mine, other] = at(doc, 'static_resources', 'clusters') as Doc[];
    const socket = (cluster: unknown): unknown =>
      at(
        cluster,
        'load_assignment',
        'endpoints',
        0,
        'lb_endpoints',
        0,
        'endpoint',
        'address',
        'socket_address',
      );
    expect(socket(mine)).toEqual({ address: 'myapp', port_value: 43210 });
    expect(mine).toMatchObject({ dns_refresh_rate: '5s', respect_dns_ttl: true });
    expect(at(mine, 'typed_dns_resolver_config', 'typed_config', 'resolvers')).toEqual([
      { socket_address: { address: '127.0.0.1', port_value: 5353 } },
    ]);
    expect(socket(other)).toEqual({ address: '10.0.0.9', port_value: 80 });
    expect(other).not.toHaveProperty('dns_refresh_rate');
  });

  it.each([
    ['bad YAML', 'admin: [unclosed', /tmpl: does not parse as YAML/],
    ['no admin address', 'static_resources: {}', /tmpl: admin\.address\.socket_address: must be a mapping/],
    [
      'no listeners',
      'admin: { address: { socket_address: { address: 0.0.0.0, port_value: 1 } } }\nstatic_resources: { listeners: [] }',
      /static_resources\.listeners: must list at least one listener/,
    ],
    [
      'no Service endpoint',
      V3_CLUSTERS.replace('address: myapp', 'address: elsewhere'),
      /no endpoint has address "myapp"/,
    ],
  ])('rejects %s with the file and field path', (_what, text, message) => {
    expect(() => patchProxyConfig(text, PATCH, 'envoy.yaml.tmpl')).toThrow(message);
    expect(() => patchProxyConfig(text, PATCH, 'envoy.yaml.tmpl')).toThrow(
      expect.objectContaining({ code: 'LBB_PROXY_CONFIG_INVALID' }) as Error,
    );
  });
});
