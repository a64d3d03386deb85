import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../../src/config/parse-config.js';
import { ProxyConfigError } from '../../../src/config/proxy-config-error.js';

const V3 = readFileSync(new URL('../../../envoy-v3.yaml.tmpl', import.meta.url), 'utf8');
const V2 = readFileSync(new URL('../../../envoy.yaml.tmpl', import.meta.url), 'utf8');
const ENV = { ENVOY_LB_ALG: 'ROUND_ROBIN', SERVICE_NAME: 'myapp' };
const CARES = 'type.googleapis.com/envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig';

function withClusterFields(template: string, fields: string): string {
  return template.replace('    lb_policy:', `${fields}\n    lb_policy:`);
}

function parse(text: string): ReturnType<typeof parseProxyConfig> {
  return parseProxyConfig(text, { file: 'envoy.yaml', env: ENV });
}

function messageOf(text: string): string {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof ProxyConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ProxyConfigError');
}

describe("a cluster's own DNS servers", () => {
  it('reads v2 dns_resolvers', () => {
    const config = parse(
      withClusterFields(
        V2,
        '    dns_resolvers: [{ socket_address: { address: 127.0.0.1, port_value: 5353 } }]',
      ),
    );
    expect(config.clusters[0]?.dnsResolvers).toEqual([{ address: '127.0.0.1', portValue: 5353 }]);
  });

  it("reads v3 typed_dns_resolver_config with c-ares' resolvers and ignores its other options", () => {
    const config = parse(
      withClusterFields(
        V3,
        [
          '    typed_dns_resolver_config:',
          '      name: envoy.network.dns_resolver.cares',
          '      typed_config:',
          `        "@type": ${CARES}`,
          '        resolvers: [{ socket_address: { address: "::1", port_value: 53 } }]',
          '        use_resolvers_as_fallback: true',
        ].join('\n'),
      ),
    );
    expect(config.clusters[0]?.dnsResolvers).toEqual([{ address: '::1', portValue: 53 }]);
    expect(config.ignoredFields).toContain(
      'static_resources.clusters[0].typed_dns_resolver_config.typed_config.use_resolvers_as_fallback',
    );
  });

  it('defaults to none: the --dns-server flag or the system resolver', () => {
    expect(parse(V3).clusters[0]?.dnsResolvers).toEqual([]);
  });

  it.each([
    [
      'a name instead of an IP',
      withClusterFields(
        V2,
        '    dns_resolvers: [{ socket_address: { address: dns.local, port_value: 53 } }]',
      ),
      'static_resources.clusters[0].dns_resolvers[0].socket_address.address: must be an IP address, got "dns.local"',
    ],
    [
      'another resolver extension',
      withClusterFields(
        V3,
        '    typed_dns_resolver_config:\n      name: envoy.network.dns_resolver.apple\n      typed_config:\n' +
          `        "@type": ${CARES}\n        resolvers: []`,
      ),
      'static_resources.clusters[0].typed_dns_resolver_config.name: must be "envoy.network.dns_resolver.cares"',
    ],
    [
      'both spellings',
      withClusterFields(
        V2,
        '    dns_resolvers: []\n    typed_dns_resolver_config: { name: envoy.network.dns_resolver.cares }',
      ),
      'set either dns_resolvers (v2) or typed_dns_resolver_config (v3), not both',
    ],
  ])('rejects %s, naming the field', (_name, text, expected) => {
    expect(messageOf(text)).toContain(expected);
  });
});
