import { describe, expect, it } from 'vitest';
import {
  applyLogicalAnswer,
  applyStrictAnswer,
  createResolveTargets,
  getHostKey,
} from '../../../src/discovery/dns-target.js';
import type { ResolveTarget } from '../../../src/discovery/dns-target.js';
import type { ResolvedAddress } from '../../../src/discovery/resolve.js';
import type { DiscoveredHost } from '../../../src/discovery/types.js';
import { createCluster, createEndpoint, formatHost } from './fake-deps.js';

const TARGET: ResolveTarget = { dnsName: 'myapp', port: 80, hostname: 'myapp', weight: 1 };

function toAddresses(spec: string): ResolvedAddress[] {
  return spec === ''
    ? []
    : spec.split(' ').map((item) => {
        const [ip = '', ttl = '5'] = item.split('/');
        return { ip, ttlSeconds: Number(ttl) };
      });
}

function toHosts(ips: string): DiscoveredHost[] {
  return ips === '' ? [] : ips.split(' ').map((ip) => ({ ip, port: 80, hostname: 'myapp', weight: 1 }));
}

describe('createResolveTargets', () => {
  it('makes one target per endpoint, in order, with hostname and weight', () => {
    const cluster = createCluster({
      endpoints: [
        createEndpoint('myapp'),
        createEndpoint('other.default', { portValue: 8080, hostname: 'shown', weight: 3 }),
        createEndpoint('myapp', { weight: 0, hostname: '' }),
      ],
    });
    expect(createResolveTargets(cluster)).toEqual([
      { dnsName: 'myapp', port: 80, hostname: 'myapp', weight: 1 },
      { dnsName: 'other.default', port: 8080, hostname: 'shown', weight: 3 },
      { dnsName: 'myapp', port: 80, hostname: 'myapp', weight: 1 },
    ]);
  });
});

describe('applyStrictAnswer', () => {
  it.each([
    ['a first answer', '', '10.0.0.1/5 10.0.0.2/7', '10.0.0.1 10.0.0.2', true, 5],
    ['the same answer', '10.0.0.1 10.0.0.2', '10.0.0.1 10.0.0.2', '10.0.0.1 10.0.0.2', false, 5],
    [
      'a reordered answer (no rebuild, new order kept)',
      '10.0.0.1 10.0.0.2',
      '10.0.0.2 10.0.0.1',
      '10.0.0.2 10.0.0.1',
      false,
      5,
    ],
    ['an added address', '10.0.0.1', '10.0.0.1 10.0.0.3/2', '10.0.0.1 10.0.0.3', true, 2],
    ['a removed address', '10.0.0.1 10.0.0.2', '10.0.0.2', '10.0.0.2', true, 5],
    ['a replaced address', '10.0.0.1 10.0.0.2', '10.0.0.1 10.0.0.9', '10.0.0.1 10.0.0.9', true, 5],
    ['an empty answer', '10.0.0.1', '', '', true, undefined],
    ['an empty answer with no hosts', '', '', '', false, undefined],
    [
      'duplicates (dropped, TTL of the kept record)',
      '',
      '10.0.0.1/9 10.0.0.1/1 10.0.0.2/9',
      '10.0.0.1 10.0.0.2',
      true,
      9,
    ],
    ['a duplicate that matches the old set', '10.0.0.1', '10.0.0.1 10.0.0.1', '10.0.0.1', false, 5],
  ])('handles %s', (_label, current, answered, expectedHosts, changed, minTtlSeconds) => {
    const update = applyStrictAnswer(TARGET, toHosts(current), toAddresses(answered));
    expect(update.hosts.map((host) => host.ip).join(' ')).toBe(expectedHosts);
    expect(update.changed).toBe(changed);
    expect(update.minTtlSeconds).toBe(minTtlSeconds);
  });

  it('gives hosts the target port, hostname and weight', () => {
    const target = { dnsName: 'myapp.default', port: 8080, hostname: 'pods', weight: 4 };
    const update = applyStrictAnswer(target, [], toAddresses('10.0.0.1 fd00::1'));
    expect(update.hosts.map(formatHost)).toEqual(['pods@10.0.0.1:8080*4', 'pods@fd00::1:8080*4']);
    expect(getHostKey({ ip: '10.0.0.1', port: 8080 })).toBe('10.0.0.1:8080');
  });
});

describe('applyLogicalAnswer', () => {
  const current = (ip: string | undefined, keys: string): Parameters<typeof applyLogicalAnswer>[1] => ({
    hosts: ip === undefined ? [] : toHosts(ip),
    addressKeys: keys === '' ? [] : keys.split(' ').map((key) => `${key}:80`),
  });

  it.each([
    ['a first answer', undefined, '', '10.0.0.1/9 10.0.0.2/1', '10.0.0.1', true, false],
    ['the same answer', '10.0.0.1', '10.0.0.1 10.0.0.2', '10.0.0.1 10.0.0.2', '10.0.0.1', false, false],
    ['a new first address', '10.0.0.1', '10.0.0.1 10.0.0.2', '10.0.0.2 10.0.0.1', '10.0.0.2', true, false],
    [
      'a list change behind the same first address',
      '10.0.0.1',
      '10.0.0.1',
      '10.0.0.1 10.0.0.3',
      '10.0.0.1',
      false,
      true,
    ],
  ])('handles %s', (_label, ip, keys, answered, expectedIp, changed, isListChangeOnly) => {
    const [first, ...rest] = toAddresses(answered);
    const update = applyLogicalAnswer(TARGET, current(ip, keys), [first!, ...rest]);
    expect(update.hosts.map((host) => host.ip)).toEqual([expectedIp]);
    expect(update.changed).toBe(changed);
    expect(update.isListChangeOnly).toBe(isListChangeOnly);
    expect(update.minTtlSeconds).toBe(first!.ttlSeconds);
    expect(update.addressKeys).toEqual(toAddresses(answered).map((address) => `${address.ip}:80`));
  });
});
