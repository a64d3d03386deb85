import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../../../src/errors.js';
import { renderProxyConfig, setDnsSettings } from '../../../../src/backends/kube/proxy-config.js';
import { buildScalePatch, renderProxyManifests } from '../../../../src/backends/kube/render-manifests.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import { readManifestTemplates } from '../../../../src/backends/kube/repo-files.js';
import { TEST_ENVOY_TEMPLATE } from './fixtures.js';
import { envoyRow } from '../../../../src/scenario/envoy-row.js';

const templates = await readManifestTemplates(getPackageRoot());
const values = {
  namespace: 'ns',
  image: 'i:1',
  concurrency: 3,
  policy: 'MAGLEV' as const,
  serviceName: 'myapp.ns.svc.cluster.local',
  seed: 42,
  deploymentId: 'abcd1234-2',
  proxyConfig: 'admin: {}\n',
};

describe('renderProxyManifests', () => {
  it('the bundled proxy gets --concurrency and --seed, the policy, the id annotation and the config', () => {
    const { deployment, configMap } = renderProxyManifests(templates, { ...values, kind: 'lbbench' });
    const container = deployment.spec?.template.spec?.containers[0];
    expect(container?.args).toEqual(['--concurrency', '3', '--seed', '42']);
    expect(container?.env).toContainEqual({ name: 'ENVOY_LB_ALG', value: 'MAGLEV' });
    expect(container?.env).toContainEqual({ name: 'ENVOY_TEMPLATE', value: '/etc/lbbench/envoy.yaml' });
    expect(deployment.spec?.template.metadata?.annotations).toEqual({
      'lbbench.dev/deployment': 'abcd1234-2',
    });
    expect(configMap.data).toEqual({ 'envoy.yaml': 'admin: {}\n' });
    expect(configMap.metadata?.namespace).toBe('ns');
  });

  it('a real Envoy gets the scenario concurrency but no seed (it takes none)', () => {
    const { deployment } = renderProxyManifests(templates, { ...values, kind: 'envoy' });
    const container = deployment.spec?.template.spec?.containers[0];
    expect(container?.args).toEqual(['-c', '/etc/envoy/envoy.yaml', '--concurrency', '3']);
  });

  it('a seed above 2^32-1 cannot reach the proxy: it is taken modulo 2^32 as the proxy parses it', () => {
    const { deployment } = renderProxyManifests(templates, { ...values, kind: 'lbbench', seed: 2 ** 32 + 5 });
    expect(deployment.spec?.template.spec?.containers[0]?.args).toEqual([
      '--concurrency',
      '3',
      '--seed',
      '5',
    ]);
  });
});

describe('proxy config', () => {
  it('sets dns_refresh_rate and respect_dns_ttl on the STRICT_DNS cluster of the bundled v2 template', async () => {
    const { readFile } = await import('node:fs/promises');
    const template = await readFile(`${getPackageRoot()}/proxy/envoy.yaml.tmpl`, 'utf8');
    const config = renderProxyConfig(
      { text: template, file: 'proxy/envoy.yaml.tmpl' },
      {
        dnsRefreshRateMs: 250,
        respectDnsTtl: true,
        row: envoyRow('RANDOM'),
        serviceName: 'myapp.ns.svc.example.org',
      },
    );
    expect(config).toContain('dns_refresh_rate: 0.25s');
    expect(config).toContain('respect_dns_ttl: true');
    expect(config).toContain('lb_policy: RANDOM');
    expect(config).toContain('address: myapp.ns.svc.example.org');
    expect(config).not.toContain('${');
  });

  it('renders the Envoy v3 template the same way', () => {
    const config = renderProxyConfig(
      { text: TEST_ENVOY_TEMPLATE, file: 'proxy/envoy-v3.yaml.tmpl' },
      { dnsRefreshRateMs: 5000, respectDnsTtl: false, row: envoyRow('LEAST_REQUEST'), serviceName: 'svc' },
    );
    expect(config).toContain('dns_refresh_rate: 5s');
    expect(config).toContain('respect_dns_ttl: false');
  });

  it('a config without a DNS cluster is refused, naming the file', () => {
    expect(() =>
      setDnsSettings(
        'static_resources:\n  clusters:\n  - name: x\n    type: STATIC\n',
        {
          dnsRefreshRateMs: 1000,
          respectDnsTtl: false,
        },
        'my.yaml',
      ),
    ).toThrow(ProxyError);
    expect(() => setDnsSettings('a: [', { dnsRefreshRateMs: 1000, respectDnsTtl: false }, 'my.yaml')).toThrow(
      /my\.yaml: not valid YAML/,
    );
  });
});

describe('buildScalePatch', () => {
  it('replaces spec.replicas', () => {
    expect(buildScalePatch(6)).toEqual([{ op: 'replace', path: '/spec/replicas', value: 6 }]);
  });
});
