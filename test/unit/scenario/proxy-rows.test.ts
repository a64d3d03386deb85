import { describe, expect, it } from 'vitest';
import type { IssueSink } from '../../../src/scenario/read-fields.js';
import { readOtherProxyEntry } from '../../../src/scenario/proxy-rows.js';

function read(entry: Record<string, unknown>): { row: unknown; issues: IssueSink } {
  const issues: IssueSink = [];
  return { row: readOtherProxyEntry(entry, 'policies[2]', issues), issues };
}

describe('readOtherProxyEntry', () => {
  it.each([
    [
      { proxy: 'haproxy', policy: 'roundrobin' },
      { name: 'haproxy:roundrobin', proxy: 'haproxy', policy: 'roundrobin' },
    ],
    [
      { proxy: 'haproxy', policy: 'LeastConn' },
      { name: 'haproxy:leastconn', proxy: 'haproxy', policy: 'leastconn' },
    ],
    [
      { proxy: 'haproxy', policy: 'random' },
      { name: 'haproxy:random', proxy: 'haproxy', policy: 'random' },
    ],
    [
      { proxy: 'nginx', policy: 'round_robin' },
      { name: 'nginx:round_robin', proxy: 'nginx', policy: 'round_robin' },
    ],
    [
      { proxy: 'nginx', policy: 'least_conn' },
      { name: 'nginx:least_conn', proxy: 'nginx', policy: 'least_conn' },
    ],
    [
      { proxy: 'nginx', policy: 'random_two', name: 'ngx-p2c' },
      { name: 'ngx-p2c', proxy: 'nginx', policy: 'random_two' },
    ],
  ])('reads %j', (entry, expected) => {
    expect(read(entry)).toEqual({ row: expected, issues: [] });
  });

  it.each([
    [
      { proxy: 'haproxy', policy: 'least_conn' },
      'policies[2].policy',
      'must be one of roundrobin, leastconn, random for proxy haproxy, got "least_conn" (string); did you mean "leastconn"?',
    ],
    [
      { proxy: 'nginx', policy: 'leastconn' },
      'policies[2].policy',
      'must be one of round_robin, least_conn, random_two for proxy nginx, got "leastconn" (string); did you mean "least_conn"?',
    ],
    [
      { proxy: 'nginx' },
      'policies[2].policy',
      'must be one of round_robin, least_conn, random_two for proxy nginx, got nothing',
    ],
    [
      { proxy: 'traefik', policy: 'wrr' },
      'policies[2].proxy',
      'must be one of haproxy, nginx here, got "traefik" (string)',
    ],
    [
      { proxy: 'haproxy', policy: 'random', settings: { choiceCount: 3 } },
      'policies[2].settings',
      "is not a setting of a haproxy row (allowed keys: proxy, policy, name); haproxy's algorithms take no Envoy settings",
    ],
    [
      { proxy: 'haproxy', policy: 'random', name: 'a b' },
      'policies[2].name',
      'must be a row name of letters, digits and . _ : -, got "a b" (string)',
    ],
  ])('rejects %j', (entry, path, message) => {
    const { row, issues } = read(entry);
    expect(row).toBeUndefined();
    expect(issues).toContainEqual({ path, message: expect.stringContaining(message) as string });
  });
});
