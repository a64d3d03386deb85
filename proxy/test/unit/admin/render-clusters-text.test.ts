import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatHealthFlags, renderClustersText } from '../../../src/admin/render-clusters-text.js';
import type { HealthFlag } from '../../../src/admin/snapshot.js';
import { makeCluster, makeHost, makeSnapshot, makeStats } from './make-snapshot.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../test/fixtures/clusters/${name}`, import.meta.url), 'utf8');

describe('renderClustersText', () => {
  it('prints the reference example byte for byte', () => {
    const host = makeHost({
      stats: makeStats({ cx_active: 2, cx_total: 2, rq_success: 123, rq_total: 123 }),
    });
    const text = renderClustersText(makeSnapshot({ clusters: [makeCluster('myapp_cluster', [host])] }));
    expect(text).toBe(fixture('reference-example.txt'));
  });

  it('prints only the cluster lines for a cluster without hosts', () => {
    const lines = renderClustersText(makeSnapshot({ clusters: [makeCluster('empty', [])] }))
      .trimEnd()
      .split('\n');
    expect(lines).toEqual([
      'empty::observability_name::empty',
      'empty::default_priority::max_connections::1024',
      'empty::default_priority::max_pending_requests::1024',
      'empty::default_priority::max_requests::1024',
      'empty::default_priority::max_retries::3',
      'empty::high_priority::max_connections::1024',
      'empty::high_priority::max_pending_requests::1024',
      'empty::high_priority::max_requests::1024',
      'empty::high_priority::max_retries::3',
      'empty::added_via_api::false',
    ]);
  });

  it('prints nothing when there are no clusters', () => {
    expect(renderClustersText(makeSnapshot({ clusters: [] }))).toBe('');
  });

  it.each([
    ['::1', 80, '[::1]:80'],
    ['2001:db8::7', 8080, '[2001:db8::7]:8080'],
    ['127.0.0.3', 8080, '127.0.0.3:8080'],
  ])('writes host %s port %d as %s', (ip, port, address) => {
    const text = renderClustersText(makeSnapshot({ clusters: [makeCluster('c', [makeHost({ ip, port })])] }));
    expect(text).toContain(`c::${address}::rq_total::0\n`);
    expect(text).toContain(`c::${address}::local_origin_success_rate::-1\n`);
  });

  it('lists hosts by priority, keeping host order within a priority', () => {
    const hosts = [
      makeHost({ ip: '10.0.0.1', priority: 1 }),
      makeHost({ ip: '10.0.0.2', priority: 0 }),
      makeHost({ ip: '10.0.0.3', priority: 0 }),
    ];
    const text = renderClustersText(makeSnapshot({ clusters: [makeCluster('c', hosts)] }));
    const order = [...text.matchAll(/^c::([\d.]+:80)::cx_active::/gm)].map((match) => match[1]);
    expect(order).toEqual(['10.0.0.2:80', '10.0.0.3:80', '10.0.0.1:80']);
    expect(text).toContain('c::10.0.0.1:80::priority::1\n');
  });

  it('prints added_via_api, weight and the circuit breakers from the snapshot', () => {
    const cluster = {
      ...makeCluster('c', [makeHost({ weight: 7 })]),
      addedViaApi: true,
      circuitBreakers: {
        default: { maxConnections: 1, maxPendingRequests: 2, maxRequests: 3, maxRetries: 4 },
        high: { maxConnections: 5, maxPendingRequests: 6, maxRequests: 7, maxRetries: 8 },
      },
    };
    const text = renderClustersText(makeSnapshot({ clusters: [cluster] }));
    expect(text).toContain('c::added_via_api::true\n');
    expect(text).toContain('c::10.0.0.1:80::weight::7\n');
    expect(text).toContain('c::default_priority::max_retries::4\nc::high_priority::max_connections::5\n');
  });
});

describe('formatHealthFlags', () => {
  it.each<[readonly HealthFlag[], string]>([
    [[], 'healthy'],
    [['failed_active_hc'], '/failed_active_hc'],
    [['pending_dynamic_removal', 'failed_active_hc'], '/failed_active_hc/pending_dynamic_removal'],
    [
      ['eds_status_draining', 'failed_outlier_check', 'degraded_eds_health'],
      '/failed_outlier_check/degraded_eds_health/eds_status_draining',
    ],
  ])('formats %j as %s', (flags, expected) => {
    expect(formatHealthFlags(flags)).toBe(expected);
  });
});
