import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClustersJson, parseClustersText } from '../../../src/collect/parse-clusters.js';
import type { ClusterStatus } from '../../../src/collect/types.js';
import { CollectError } from '../../../src/errors.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/clusters/${name}`, import.meta.url), 'utf8');
const jsonFixture = (name: string): unknown => JSON.parse(fixture(name));

/** What text and JSON of the same Envoy must agree on (JSON of 1.9 has no weight, text of 1.9 no hostname). */
function essentials(clusters: readonly ClusterStatus[]): unknown {
  return [...clusters]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => ({
      name: c.name,
      hosts: c.hosts.map((h) => ({ address: h.address, flags: h.healthFlags, counters: h.counters })),
    }));
}

describe('parseClustersJson', () => {
  it.each([
    ['v1.9-json.json', 'v1.9-text.txt'],
    ['v1.18-json.json', 'v1.18-text.txt'],
  ])('reads %s the same as %s', (json, text) => {
    expect(essentials(parseClustersJson(jsonFixture(json)))).toEqual(
      essentials(parseClustersText(fixture(text))),
    );
  });

  it('reads v1.24 JSON: health booleans, eds_health_status, weight, priority, hostname', () => {
    const [eds, myapp] = parseClustersJson(jsonFixture('v1.24-json.json'));
    expect(eds!.hosts.map((h) => [h.address, h.healthFlags, h.hostname, h.weight])).toEqual([
      ['10.1.0.1:8080', ['failed_active_hc', 'pending_dynamic_removal'], 'pod-a.myapp', 1],
      ['10.1.0.2:8080', ['pending_dynamic_removal'], 'pod-b.myapp', 1],
      ['10.1.0.3:8080', ['degraded_eds_health'], undefined, 5],
      ['10.1.0.4:8080', ['eds_status_draining'], undefined, 1],
    ]);
    expect(eds!.hosts[0]!.counters).toMatchObject({ rq_total: 9, rq_error: 1, rq_success: 8, cx_total: 9 });
    expect(myapp!.hosts[0]!.counters.rq_total).toBe(123);
  });

  it('reads 1.9 JSON without weight or hostname as undefined', () => {
    const [myapp, empty] = parseClustersJson(jsonFixture('v1.9-json.json'));
    expect(myapp!.hosts[0]).toMatchObject({ hostname: undefined, weight: undefined, healthFlags: [] });
    expect(empty).toEqual({ name: 'empty_cluster', hosts: [] });
  });

  it('reads istioctl-style camelCase, given as a bare array', () => {
    expect(parseClustersJson(jsonFixture('istioctl-camelcase.json'))).toEqual([
      {
        name: 'outbound|80||myapp.default.svc.cluster.local',
        hosts: [
          {
            address: '10.244.0.6:80',
            hostname: undefined,
            healthFlags: [],
            weight: 1,
            counters: {
              cx_active: 0,
              cx_connect_fail: 0,
              cx_total: 8,
              rq_active: 0,
              rq_error: 0,
              rq_success: 315,
              rq_timeout: 0,
              rq_total: 315,
            },
          },
        ],
      },
    ]);
  });

  it('accepts numeric stat values, enum numbers, a pipe address and an empty Clusters message', () => {
    expect(parseClustersJson({})).toEqual([]);
    const [cluster] = parseClustersJson({
      cluster_statuses: [
        {
          name: 'c',
          host_statuses: [
            {
              address: { pipe: { path: '/tmp/upstream.sock' } },
              stats: [{ name: 'rq_total', value: 12 }],
              health_status: { eds_health_status: 2 },
            },
          ],
        },
      ],
    });
    expect(cluster!.hosts[0]).toMatchObject({
      address: '/tmp/upstream.sock',
      healthFlags: ['failed_eds_health'],
      counters: { rq_total: 12 },
    });
  });

  it.each([
    ['a string', 'hello', /\/clusters JSON: expected an object, got "\\"hello\\"" \(string\)/],
    ['null', null, /expected an object, got "null" \(null\)/],
    [
      'another admin document',
      { configs: [] },
      /expected a "cluster_statuses" array, got an object with keys "configs"/,
    ],
    ['cluster_statuses not an array', { cluster_statuses: {} }, /cluster_statuses: expected an array/],
    [
      'a cluster without a name',
      { cluster_statuses: [{ host_statuses: [] }] },
      /cluster_statuses\[0\]\.name: expected a cluster name, got nothing/,
    ],
    [
      'a host without an address',
      { cluster_statuses: [{ name: 'c', host_statuses: [{ stats: [] }] }] },
      /cluster_statuses\[0\]\.host_statuses\[0\]\.address: expected an object, got nothing/,
    ],
    [
      'a stat value that is not an integer',
      {
        cluster_statuses: [
          {
            name: 'c',
            host_statuses: [
              {
                address: { socket_address: { address: '10.0.0.1', port_value: 80 } },
                stats: [{ name: 'rq_total', value: '-3' }],
              },
            ],
          },
        ],
      },
      /cluster_statuses\[0\]\.host_statuses\[0\]\.stats\[0\]\.value: expected a non-negative integer, got "-3"/,
    ],
  ])('rejects %s with a CollectError naming the field', (_, value, message) => {
    expect(() => parseClustersJson(value)).toThrow(CollectError);
    expect(() => parseClustersJson(value)).toThrow(message);
  });
});
