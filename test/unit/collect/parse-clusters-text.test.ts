import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClustersText } from '../../../src/collect/parse-clusters.js';
import type { ClusterStatus, HostStatus } from '../../../src/collect/types.js';
import { CollectError } from '../../../src/errors.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/clusters/${name}`, import.meta.url), 'utf8');

function hostOf(clusters: readonly ClusterStatus[], cluster: string, address: string): HostStatus {
  const host = clusters.find((c) => c.name === cluster)?.hosts.find((h) => h.address === address);
  if (host === undefined) {
    throw new Error(`no host ${address} in ${cluster}`);
  }
  return host;
}

describe('parseClustersText', () => {
  it('reads the reference example', () => {
    expect(parseClustersText(fixture('reference-example.txt'))).toEqual([
      {
        name: 'myapp_cluster',
        hosts: [
          {
            address: '10.0.0.1:80',
            hostname: 'myapp',
            healthFlags: [],
            weight: 1,
            counters: {
              cx_active: 2,
              cx_connect_fail: 0,
              cx_total: 2,
              rq_active: 0,
              rq_error: 0,
              rq_success: 123,
              rq_timeout: 0,
              rq_total: 123,
            },
          },
        ],
      },
    ]);
  });

  it('reads v1.5 output: a version_info line, a 2-line outlier block, no hostname', () => {
    const clusters = parseClustersText(fixture('v1.5-text.txt'));
    expect(clusters.map((c) => c.name)).toEqual(['myapp_cluster']);
    expect(clusters[0]!.hosts.map((h) => [h.address, h.counters.rq_total, h.counters.rq_active])).toEqual([
      ['172.20.2.62:80', 34, 0],
      ['172.20.1.207:80', 34, 1],
      ['172.20.3.103:80', 33, 0],
    ]);
    expect(clusters[0]!.hosts[0]!.hostname).toBeUndefined();
    expect(clusters[0]!.hosts[0]!.weight).toBe(1);
  });

  it('reads v1.9 output: a cluster without hosts and an outlier-ejected host', () => {
    const clusters = parseClustersText(fixture('v1.9-text.txt'));
    expect(clusters.map((c) => [c.name, c.hosts.length])).toEqual([
      ['empty_cluster', 0],
      ['myapp_cluster', 2],
    ]);
    expect(hostOf(clusters, 'myapp_cluster', '10.0.0.2:80')).toEqual({
      address: '10.0.0.2:80',
      hostname: undefined,
      healthFlags: ['failed_outlier_check'],
      weight: 1,
      counters: {
        cx_active: 1,
        cx_connect_fail: 3,
        cx_total: 4,
        rq_active: 0,
        rq_error: 7,
        rq_success: 40,
        rq_timeout: 2,
        rq_total: 45,
      },
    });
  });

  it('reads v1.12 output: hostname, priority, local_origin_success_rate, 4-line outlier block', () => {
    const clusters = parseClustersText(fixture('v1.12-text.txt'));
    expect(clusters.map((c) => [c.name, c.hosts.length])).toEqual([
      ['myapp_cluster', 3],
      ['empty_cluster', 0],
    ]);
    const failing = hostOf(clusters, 'myapp_cluster', '10.0.0.3:80');
    expect([failing.hostname, failing.healthFlags, failing.weight, failing.counters.cx_connect_fail]).toEqual(
      ['myapp', ['failed_active_hc'], 2, 5],
    );
  });

  it('reads v1.18 output with IPv6 hosts', () => {
    const clusters = parseClustersText(fixture('v1.18-text.txt'));
    expect(clusters[0]!.hosts.map((h) => [h.address, h.counters.rq_total])).toEqual([
      ['[::1]:80', 50],
      ['[2001:db8::7]:8080', 49],
      ['10.0.0.3:80', 51],
    ]);
    expect(clusters[1]).toEqual({ name: 'empty_cluster', hosts: [] });
  });

  it('reads v1.24 output: eds_service_name, pending_dynamic_removal, an empty hostname', () => {
    const clusters = parseClustersText(fixture('v1.24-text.txt'));
    expect(clusters.map((c) => c.name)).toEqual(['eds_cluster', 'myapp_cluster']);
    expect(hostOf(clusters, 'eds_cluster', '10.1.0.1:8080').healthFlags).toEqual([
      'failed_active_hc',
      'pending_dynamic_removal',
    ]);
    expect(hostOf(clusters, 'eds_cluster', '10.1.0.2:8080').healthFlags).toEqual(['pending_dynamic_removal']);
    expect(hostOf(clusters, 'eds_cluster', '10.1.0.3:8080')).toMatchObject({ hostname: '', weight: 5 });
  });

  it('reads post-1.37 output and ignores rq_pending_active', () => {
    const clusters = parseClustersText(fixture('v1.38-dev-text.txt'));
    expect(clusters[0]!.hosts.map((h) => h.counters)).toEqual([
      {
        cx_active: 2,
        cx_connect_fail: 0,
        cx_total: 2,
        rq_active: 3,
        rq_error: 0,
        rq_success: 120,
        rq_timeout: 0,
        rq_total: 123,
      },
      {
        cx_active: 2,
        cx_connect_fail: 0,
        cx_total: 2,
        rq_active: 0,
        rq_error: 0,
        rq_success: 118,
        rq_timeout: 0,
        rq_total: 118,
      },
    ]);
  });

  it('reads CRLF line ends, an empty document, and stats missing from the output as 0', () => {
    expect(parseClustersText('')).toEqual([]);
    const clusters = parseClustersText('c::added_via_api::false\r\nc::10.0.0.9:80::rq_total::5\r\n');
    expect(clusters).toEqual([
      {
        name: 'c',
        hosts: [
          {
            address: '10.0.0.9:80',
            hostname: undefined,
            healthFlags: [],
            weight: undefined,
            counters: expect.objectContaining({ rq_total: 5, rq_success: 0, cx_total: 0 }) as unknown,
          },
        ],
      },
    ]);
  });

  it('keeps two hosts with the same address (two endpoints resolving to one IP) apart', () => {
    const text = [
      'c::10.0.0.1:80::rq_total::3',
      'c::10.0.0.1:80::weight::1',
      'c::10.0.0.1:80::rq_total::4',
      'c::10.0.0.1:80::weight::1',
    ].join('\n');
    expect(parseClustersText(text)[0]!.hosts.map((h) => h.counters.rq_total)).toEqual([3, 4]);
  });

  it('skips cluster-level lines it does not know, and unknown stats of a host', () => {
    const text = [
      'c::some_future_field::x',
      'c::[::1]:80::brand_new_stat::9',
      'c::[::1]:80::rq_total::2',
    ].join('\n');
    expect(parseClustersText(text)).toEqual([
      {
        name: 'c',
        hosts: [
          expect.objectContaining({
            address: '[::1]:80',
            counters: expect.objectContaining({ rq_total: 2 }) as unknown,
          }),
        ],
      },
    ]);
  });

  it.each([
    [
      'an HTML page',
      '<!DOCTYPE html>\n<html><body>hello</body></html>',
      /line 1: expected "<cluster>::<field>::<value>", got "<!DOCTYPE html>"/,
    ],
    ['a JSON document', '{\n "cluster_statuses": []\n}', /line 1: .*got "\{"/],
    ['Envoy 404 help text', 'invalid path. admin commands are:\n  /: Admin home page', /line 1/],
    ['a line with two fields', 'c::added_via_api', /line 1/],
    ['a host line without a value', 'c::10.0.0.1:80::rq_total', /host line without a value/],
    [
      'a counter that is not a number',
      'c::10.0.0.1:80::rq_total::lots',
      /10\.0\.0\.1:80::rq_total.*non-negative integer, got "lots"/,
    ],
  ])('rejects %s with a CollectError quoting it', (_, text, message) => {
    expect(() => parseClustersText(text)).toThrow(CollectError);
    expect(() => parseClustersText(text)).toThrow(message);
  });

  it('cuts long garbage short in the message', () => {
    const error = (() => {
      try {
        parseClustersText('x'.repeat(5000));
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a throw');
    })();
    expect(error.message.length).toBeLessThan(300);
  });
});
