import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ProxyError } from '../../../../src/errors.js';
import {
  ENVOY_IMAGE,
  ENVOY_TEMPLATE_PATH,
  renderEnvoyConfig,
} from '../../../../src/backends/kube/envoy-config.js';
import { getPackageRoot } from '../../../../src/package-root.js';

const TEMPLATE = [
  'static_resources:',
  '  clusters:',
  '  - name: myapp_cluster',
  '    type: STRICT_DNS',
  '    lb_policy: ${ENVOY_LB_ALG}',
  '    load_assignment:',
  '      cluster_name: myapp_cluster',
  '      endpoints:',
  '      - lb_endpoints:',
  '        - endpoint: { address: { socket_address: { address: $SERVICE_NAME, port_value: 80 } } }',
  '',
].join('\n');

describe('renderEnvoyConfig', () => {
  it('replaces ${ENVOY_LB_ALG} and $SERVICE_NAME like envsubst with that variable list', () => {
    const rendered = renderEnvoyConfig(TEMPLATE, {
      policy: 'LEAST_REQUEST',
      serviceName: 'myapp.ns.svc.cluster.local',
    });
    const cluster = (parse(rendered) as { static_resources: { clusters: Record<string, unknown>[] } })
      .static_resources.clusters[0];
    expect(cluster?.lb_policy).toBe('LEAST_REQUEST');
    expect(rendered).toContain('address: myapp.ns.svc.cluster.local');
  });

  it.each([
    ['a placeholder lbbench does not set', 'x: ${OTHER}\n', /placeholder \$\{OTHER\} is not set/],
    ['a result that is not YAML', 'x: [${ENVOY_LB_ALG}\n', /not valid YAML/],
  ])('rejects %s, naming the template', (_what, template, message) => {
    expect(() => renderEnvoyConfig(template, { policy: 'RANDOM', serviceName: 's' }, 'proxy/t.tmpl')).toThrow(
      ProxyError,
    );
    expect(() => renderEnvoyConfig(template, { policy: 'RANDOM', serviceName: 's' }, 'proxy/t.tmpl')).toThrow(
      message,
    );
  });

  it('pins an exact v1.34 Envoy tag', () => {
    expect(ENVOY_IMAGE).toMatch(/^envoyproxy\/envoy:v1\.34\.\d+$/);
  });

  const shipped = join(getPackageRoot(), ENVOY_TEMPLATE_PATH);
  it.skipIf(!existsSync(shipped))('renders the shipped proxy/envoy-v3.yaml.tmpl for every policy', () => {
    const template = readFileSync(shipped, 'utf8');
    for (const policy of ['ROUND_ROBIN', 'MAGLEV'] as const) {
      const rendered = renderEnvoyConfig(template, {
        policy,
        serviceName: 'myapp.lbbench.svc.cluster.local',
      });
      expect(rendered).toContain(policy);
      expect(rendered).not.toContain('${');
    }
  });
});
