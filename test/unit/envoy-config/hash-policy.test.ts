import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderProxyConfig } from '../../../src/backends/kube/proxy-config.js';
import { renderLocalProxyConfig } from '../../../src/backends/local/local-proxy.js';
import { applyRowConfig } from '../../../src/envoy-config/apply-row-config.js';
import { selectHashHeader, setKeyHashPolicy } from '../../../src/envoy-config/hash-policy.js';
import { LbbenchError } from '../../../src/errors.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import type { KeySpec, Scenario } from '../../../src/scenario/types.js';
import { makeScenario } from '../backends/kube/fixtures.js';

const KEYS: KeySpec = { header: 'x-user-id', count: 10, distribution: 'uniform', exponent: undefined };
const PROXY_DIR = new URL('../../../proxy/', import.meta.url);
/** A bundled template rendered for RING_HASH, as the backends render it before patching. */
const readTemplate = (name: string): string =>
  readFileSync(new URL(name, PROXY_DIR), 'utf8')
    .replaceAll('${ENVOY_LB_ALG}', 'RING_HASH')
    .replaceAll('${SERVICE_NAME}', 'myapp');

const ROUTES_PATH = (filterConfig: 'config' | 'typed_config') => [
  'static_resources',
  'listeners',
  0,
  'filter_chains',
  0,
  'filters',
  0,
  filterConfig,
  'route_config',
  'virtual_hosts',
  0,
  'routes',
];

function readRoutes(doc: ReturnType<typeof parseDocument>, filterConfig: 'config' | 'typed_config'): unknown {
  return JSON.parse(JSON.stringify(doc.getIn(ROUTES_PATH(filterConfig)))) as unknown;
}

/** A v3 config: the Service's cluster `svc`, an unrelated cluster `other`, and routes of every kind to them. */
const MIXED_ROUTES = `
static_resources:
  listeners:
    - filter_chains:
        - filters:
            - typed_config:
                route_config:
                  virtual_hosts:
                    - routes:
                        - match: { prefix: "/own" }
                          route:
                            cluster: svc
                            hash_policy: [{ header: { header_name: x-tenant } }]
                        - match: { prefix: "/plain" }
                          route: { cluster: svc }
                        - match: { prefix: "/weighted" }
                          route: { weighted_clusters: { clusters: [{ name: svc, weight: 100 }] } }
                        - match: { prefix: "/other" }
                          route: { cluster: other }
                        - match: { prefix: "/redirect" }
                          redirect: { path_redirect: "/" }
  clusters:
    - name: svc
      load_assignment:
        endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: myapp, port_value: 80 } } } }] }]
    - name: other
      load_assignment:
        endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 10.0.0.1, port_value: 80 } } } }] }]
`;

const KEY_HASH = [{ header: { header_name: 'x-user-id' } }];

describe('selectHashHeader', () => {
  it.each([
    ['RING_HASH', 'x-user-id'],
    ['MAGLEV', 'x-user-id'],
    ['RANDOM', undefined],
    ['ROUND_ROBIN', undefined],
    ['LEAST_REQUEST', undefined],
  ] as const)('%s hashes on %s', (policy, header) => {
    expect(selectHashHeader(policy, KEYS)).toBe(header);
  });

  it('hashes on nothing without keys', () => {
    expect(selectHashHeader('RING_HASH', undefined)).toBeUndefined();
  });
});

describe('setKeyHashPolicy', () => {
  it.each([
    ['envoy.yaml.tmpl', 'config'],
    ['envoy-v3.yaml.tmpl', 'typed_config'],
  ] as const)('adds the header hash policy to the route of %s', (template, filterConfig) => {
    const doc = parseDocument(readTemplate(template));
    expect(setKeyHashPolicy(doc, new Set(['myapp_cluster']), 'x-user-id')).toEqual({ patched: 1, kept: 0 });
    expect(readRoutes(parseDocument(doc.toString()), filterConfig)).toMatchObject([
      { route: { cluster: 'myapp_cluster', hash_policy: KEY_HASH } },
    ]);
  });

  it("patches only the routes to the given clusters and keeps a route's own hash policy", () => {
    const doc = parseDocument(MIXED_ROUTES);
    expect(setKeyHashPolicy(doc, new Set(['svc']), 'x-user-id')).toEqual({ patched: 2, kept: 1 });
    expect(readRoutes(doc, 'typed_config')).toEqual([
      {
        match: { prefix: '/own' },
        route: { cluster: 'svc', hash_policy: [{ header: { header_name: 'x-tenant' } }] },
      },
      { match: { prefix: '/plain' }, route: { cluster: 'svc', hash_policy: KEY_HASH } },
      {
        match: { prefix: '/weighted' },
        route: { weighted_clusters: { clusters: [{ name: 'svc', weight: 100 }] }, hash_policy: KEY_HASH },
      },
      { match: { prefix: '/other' }, route: { cluster: 'other' } },
      { match: { prefix: '/redirect' }, redirect: { path_redirect: '/' } },
    ]);
  });
});

describe('applyRowConfig hashes keyed rows', () => {
  const keyed = makeScenario({ load: { ...makeScenario().load, keys: KEYS } });
  const target = { serviceName: 'myapp', sourceName: 'envoy.yaml' };
  const render = (policy: 'RING_HASH' | 'MAGLEV' | 'RANDOM', scenario: Scenario): string => {
    const doc = parseDocument(readTemplate('envoy-v3.yaml.tmpl'));
    applyRowConfig(doc, envoyRow(policy), scenario, target);
    return doc.toString();
  };

  it.each(['RING_HASH', 'MAGLEV'] as const)('%s with keys hashes on the key header', (policy) => {
    expect(render(policy, keyed)).toContain('header_name: x-user-id');
  });

  it('leaves RANDOM with keys, and RING_HASH without keys, without a hash policy', () => {
    expect(render('RANDOM', keyed)).not.toContain('hash_policy');
    expect(render('RING_HASH', makeScenario())).not.toContain('hash_policy');
  });

  it('fails naming the file, the cluster and the row when no route sends to the Service', () => {
    const text = MIXED_ROUTES.replaceAll('cluster: svc', 'cluster: other').replace(
      'name: svc, weight',
      'name: other, weight',
    );
    const apply = (): void => {
      applyRowConfig(parseDocument(text), envoyRow('MAGLEV'), keyed, target);
    };
    expect(apply).toThrow(LbbenchError);
    expect(apply).toThrow(
      'envoy.yaml: no route sends to cluster "svc", so row MAGLEV cannot hash on load.keys.header "x-user-id"; ' +
        'route to the cluster with route.cluster (or route.weighted_clusters)',
    );
  });
});

describe('the backends apply it through applyRowConfig', () => {
  const keyed = makeScenario({ load: { ...makeScenario().load, keys: KEYS } });

  it('kube: the ConfigMap of a RING_HASH row with keys hashes on the key header, a RANDOM row does not', () => {
    const template = {
      text: readFileSync(new URL('envoy.yaml.tmpl', PROXY_DIR), 'utf8'),
      file: 'proxy/envoy.yaml.tmpl',
    };
    const values = {
      dnsRefreshRateMs: 1000,
      respectDnsTtl: false,
      serviceName: 'myapp.lbbench.svc.cluster.local',
      scenario: keyed,
    };
    const ringHash = renderProxyConfig(template, { ...values, row: envoyRow('RING_HASH') });
    expect(ringHash).toContain('header_name: x-user-id');
    expect(ringHash).toContain('lb_policy: RING_HASH');
    expect(renderProxyConfig(template, { ...values, row: envoyRow('RANDOM') })).not.toContain('hash_policy');
  });

  it('local: the rendered config of a MAGLEV row with keys hashes on the key header, a RANDOM row does not', async () => {
    const options = {
      templatePath: join(PROXY_DIR.pathname, 'envoy-v3.yaml.tmpl'),
      serviceName: 'myapp',
      scenario: keyed,
      podPort: 8080,
      dnsServer: { host: '127.0.0.1', port: 5353 },
      isLbbenchProxy: true,
    };
    expect(await renderLocalProxyConfig({ ...options, row: envoyRow('MAGLEV') })).toContain(
      'header_name: x-user-id',
    );
    expect(await renderLocalProxyConfig({ ...options, row: envoyRow('RANDOM') })).not.toContain(
      'hash_policy',
    );
  });
});
