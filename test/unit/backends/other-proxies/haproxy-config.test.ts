import { describe, expect, it } from 'vitest';
import type { HaproxyConfigInput } from '../../../../src/backends/other-proxies/haproxy-config.js';
import {
  formatHaproxyBalance,
  renderHaproxyConfig,
} from '../../../../src/backends/other-proxies/haproxy-config.js';

const INPUT: HaproxyConfigInput = {
  policy: 'leastconn',
  listen: { host: '127.0.0.1', port: 10080 },
  stats: { host: '127.0.0.1', port: 10081 },
  serviceName: 'myapp.default.svc.cluster.local',
  podPort: 8080,
  hostHeader: 'myapp',
  resolvers: { kind: 'nameserver', host: '127.0.0.1', port: 5353 },
  slots: 8,
  dnsRefreshRateMs: 1000,
  threads: 2,
  connectTimeoutMs: 250,
  responseTimeoutMs: 60_000,
  idleTimeoutMs: 90_000,
};

/** The config's sections: each `name` line with the indented lines under it. */
function sections(config: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of config.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) result.set(line, (current = []));
    else if (!line.trim().startsWith('#')) current.push(line.trim());
  }
  return result;
}

describe('renderHaproxyConfig', () => {
  it.each([
    ['roundrobin', 'balance roundrobin'],
    ['leastconn', 'balance leastconn'],
    ['random', 'balance random(2)'],
  ] as const)('%s is emitted as `%s`', (policy, line) => {
    expect(formatHaproxyBalance(policy)).toBe(line);
    expect(sections(renderHaproxyConfig({ ...INPUT, policy })).get('backend myapp')).toContain(line);
  });

  it('fills a server-template from the resolvers, with keep-alive on both sides and the stats page', () => {
    const config = sections(renderHaproxyConfig(INPUT));
    expect(config.get('backend myapp')).toEqual([
      'balance leastconn',
      'http-reuse always',
      'http-request set-header Host myapp',
      'server-template myapp 1-8 myapp.default.svc.cluster.local:8080 resolvers cluster init-addr none resolve-prefer ipv4',
    ]);
    expect(config.get('frontend traffic')).toEqual(['bind 127.0.0.1:10080', 'default_backend myapp']);
    expect(config.get('frontend stats')).toEqual([
      'bind 127.0.0.1:10081',
      'stats enable',
      'stats uri /stats',
      'stats show-legends',
    ]);
    expect(config.get('defaults')).toEqual(
      expect.arrayContaining([
        'option http-keep-alive',
        'timeout connect 250ms',
        'timeout server 60000ms',
        'timeout client 90000ms',
        'retries 0',
      ]),
    );
    expect(config.get('global')).toContain('nbthread 2');
  });

  it('re-resolves every dns_refresh_rate and drops addresses at once, from a nameserver or resolv.conf', () => {
    const local = sections(renderHaproxyConfig(INPUT)).get('resolvers cluster');
    expect(local).toEqual(
      expect.arrayContaining([
        'nameserver local 127.0.0.1:5353',
        'timeout resolve 1000ms',
        'hold valid 1000ms',
        'hold obsolete 0s',
      ]),
    );
    const cluster = sections(renderHaproxyConfig({ ...INPUT, resolvers: { kind: 'resolv-conf' } })).get(
      'resolvers cluster',
    );
    expect(cluster).toContain('parse-resolv-conf');
    expect(cluster?.some((line) => line.startsWith('nameserver'))).toBe(false);
  });

  it('brackets IPv6 bind addresses', () => {
    const config = sections(renderHaproxyConfig({ ...INPUT, listen: { host: '::1', port: 80 } }));
    expect(config.get('frontend traffic')).toContain('bind [::1]:80');
  });
});
