import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderProxyConfig } from '../../../src/backends/kube/proxy-config.js';
import { expandTemplateVariables, patchProxyConfig } from '../../../src/backends/local/proxy-config.js';
import { applyHashPolicy, selectHashHeader } from '../../../src/envoy-config/hash-policy.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import type { KeySpec } from '../../../src/scenario/types.js';

const KEYS: KeySpec = { header: 'x-user-id', count: 10, distribution: 'uniform', exponent: undefined };
/** A bundled template rendered for RING_HASH, as the backends render it before patching. */
const readTemplate = (name: string): string =>
  readFileSync(new URL(`../../../proxy/${name}`, import.meta.url), 'utf8')
    .replaceAll('${ENVOY_LB_ALG}', 'RING_HASH')
    .replaceAll('${SERVICE_NAME}', 'myapp');

function readRoute(doc: ReturnType<typeof parseDocument>, filterConfig: 'config' | 'typed_config'): unknown {
  return doc.getIn([
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
    0,
    'route',
  ]);
}

describe('hash policy of keyed rows', () => {
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

  it.each([
    ['envoy.yaml.tmpl', 'config'],
    ['envoy-v3.yaml.tmpl', 'typed_config'],
  ] as const)('adds the header hash policy to the route of %s', (template, filterConfig) => {
    const doc = parseDocument(readTemplate(template));
    expect(applyHashPolicy(doc, 'x-user-id')).toBe(1);
    const route = readRoute(parseDocument(doc.toString()), filterConfig);
    expect(JSON.parse(JSON.stringify(route))).toMatchObject({
      cluster: 'myapp_cluster',
      hash_policy: [{ header: { header_name: 'x-user-id' } }],
    });
  });

  it("keeps a route's own hash policy (the template's choice wins)", () => {
    const text = [
      'static_resources:',
      '  listeners:',
      '    - filter_chains:',
      '        - filters:',
      '            - typed_config:',
      '                route_config:',
      '                  virtual_hosts:',
      '                    - routes:',
      '                        - match: { prefix: "/" }',
      '                          route:',
      '                            cluster: a',
      '                            hash_policy: [{ header: { header_name: x-tenant } }]',
      '                        - match: { prefix: "/b" }',
      '                          route: { cluster: b }',
      '                        - match: { prefix: "/c" }',
      '                          redirect: { path_redirect: "/" }',
    ].join('\n');
    const doc = parseDocument(text);
    expect(applyHashPolicy(doc, 'x-user-id')).toBe(1);
    const routes = doc.getIn([
      'static_resources',
      'listeners',
      0,
      'filter_chains',
      0,
      'filters',
      0,
      'typed_config',
      'route_config',
      'virtual_hosts',
      0,
      'routes',
    ]);
    expect(JSON.parse(JSON.stringify(routes))).toEqual([
      {
        match: { prefix: '/' },
        route: { cluster: 'a', hash_policy: [{ header: { header_name: 'x-tenant' } }] },
      },
      {
        match: { prefix: '/b' },
        route: { cluster: 'b', hash_policy: [{ header: { header_name: 'x-user-id' } }] },
      },
      { match: { prefix: '/c' }, redirect: { path_redirect: '/' } },
    ]);
  });
});

describe('the backends apply it', () => {
  const template = {
    text: readFileSync(new URL('../../../proxy/envoy.yaml.tmpl', import.meta.url), 'utf8'),
    file: 'proxy/envoy.yaml.tmpl',
  };
  const values = {
    dnsRefreshRateMs: 1000,
    respectDnsTtl: false,
    serviceName: 'myapp.lbbench.svc.cluster.local',
  };

  it('kube: the ConfigMap of a RING_HASH row with keys hashes on the key header, a RANDOM row does not', () => {
    const ringHash = renderProxyConfig(template, {
      ...values,
      row: envoyRow('RING_HASH'),
      hashHeader: 'x-user-id',
    });
    expect(ringHash).toContain('header_name: x-user-id');
    expect(ringHash).toContain('lb_policy: RING_HASH');
    expect(renderProxyConfig(template, { ...values, row: envoyRow('RANDOM') })).not.toContain('hash_policy');
  });

  it('local: the patched config hashes on the key header when asked', () => {
    const rendered = expandTemplateVariables(template.text, {
      ENVOY_LB_ALG: 'MAGLEV',
      SERVICE_NAME: 'myapp',
    });
    const patch = {
      serviceName: 'myapp',
      podPort: 8080,
      dnsRefreshRateMs: 1000,
      respectDnsTtl: false,
      dnsResolver: undefined,
    };
    expect(patchProxyConfig(rendered, { ...patch, hashHeader: 'x-user-id' }, 'envoy.yaml')).toContain(
      'header_name: x-user-id',
    );
    expect(patchProxyConfig(rendered, patch, 'envoy.yaml')).not.toContain('hash_policy');
  });
});
