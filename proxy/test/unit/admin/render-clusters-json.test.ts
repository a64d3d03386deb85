import { describe, expect, it } from 'vitest';
import { renderClustersJson } from '../../../src/admin/render-clusters-json.js';
import type { HealthFlag } from '../../../src/admin/snapshot.js';
import { makeCluster, makeHost, makeSnapshot, makeStats } from './make-snapshot.js';

const THRESHOLDS = { max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 };

describe('renderClustersJson', () => {
  it('prints the reference host as proto3 JSON with defaults omitted', () => {
    const host = makeHost({
      stats: makeStats({ cx_active: 2, cx_total: 2, rq_success: 123, rq_total: 123 }),
    });
    const body = renderClustersJson(makeSnapshot({ clusters: [makeCluster('myapp_cluster', [host])] }));
    expect(JSON.parse(body)).toEqual({
      cluster_statuses: [
        {
          name: 'myapp_cluster',
          host_statuses: [
            {
              address: { socket_address: { address: '10.0.0.1', port_value: 80 } },
              stats: [
                { name: 'cx_connect_fail' },
                { value: '2', name: 'cx_total' },
                { name: 'rq_error' },
                { value: '123', name: 'rq_success' },
                { name: 'rq_timeout' },
                { value: '123', name: 'rq_total' },
                { type: 'GAUGE', value: '2', name: 'cx_active' },
                { type: 'GAUGE', name: 'rq_active' },
              ],
              health_status: { eds_health_status: 'HEALTHY' },
              weight: 1,
              hostname: 'myapp',
              locality: {},
            },
          ],
          circuit_breakers: { thresholds: [THRESHOLDS, { priority: 'HIGH', ...THRESHOLDS }] },
          observability_name: 'myapp_cluster',
        },
      ],
    });
  });

  it('pretty-prints with a 1-space indent and keys in field-number order', () => {
    const body = renderClustersJson(
      makeSnapshot({ clusters: [makeCluster('c', [makeHost({ priority: 2 })])] }),
    );
    expect(body.startsWith('{\n "cluster_statuses": [\n  {\n   "name": "c",\n')).toBe(true);
    expect(body.endsWith('}\n')).toBe(true);
    const host = (JSON.parse(body) as { cluster_statuses: { host_statuses: object[] }[] })
      .cluster_statuses[0]!.host_statuses[0]!;
    expect(Object.keys(host)).toEqual([
      'address',
      'stats',
      'health_status',
      'weight',
      'hostname',
      'priority',
      'locality',
    ]);
    expect(body).toContain('"type": "GAUGE",\n');
  });

  it('omits host_statuses for a cluster without hosts and prints {} without clusters', () => {
    expect(JSON.parse(renderClustersJson(makeSnapshot({ clusters: [makeCluster('e', [])] })))).toEqual({
      cluster_statuses: [
        {
          name: 'e',
          circuit_breakers: { thresholds: [THRESHOLDS, { priority: 'HIGH', ...THRESHOLDS }] },
          observability_name: 'e',
        },
      ],
    });
    expect(renderClustersJson(makeSnapshot({ clusters: [] }))).toBe('{}\n');
  });

  it('writes IPv6 addresses bare, an empty hostname not at all, and added_via_api only when true', () => {
    const cluster = { ...makeCluster('c', [makeHost({ ip: '::1', hostname: '' })]), addedViaApi: true };
    const status = (
      JSON.parse(renderClustersJson(makeSnapshot({ clusters: [cluster] }))) as {
        cluster_statuses: { added_via_api: boolean; host_statuses: Record<string, unknown>[] }[];
      }
    ).cluster_statuses[0]!;
    expect(status.added_via_api).toBe(true);
    expect(status.host_statuses[0]!['address']).toEqual({
      socket_address: { address: '::1', port_value: 80 },
    });
    expect(status.host_statuses[0]).not.toHaveProperty('hostname');
  });

  it.each<[readonly HealthFlag[], Record<string, unknown>]>([
    [[], { eds_health_status: 'HEALTHY' }],
    [
      ['failed_active_hc', 'pending_dynamic_removal'],
      { failed_active_health_check: true, eds_health_status: 'HEALTHY', pending_dynamic_removal: true },
    ],
    [['failed_eds_health', 'degraded_eds_health'], { eds_health_status: 'UNHEALTHY' }],
    [['degraded_eds_health'], { eds_health_status: 'DEGRADED' }],
    [['eds_status_draining'], { eds_health_status: 'DRAINING' }],
    [
      ['degraded_active_hc', 'active_hc_timeout'],
      { eds_health_status: 'HEALTHY', failed_active_degraded_check: true, active_hc_timeout: true },
    ],
  ])('maps health flags %j to %j', (healthFlags, expected) => {
    const body = renderClustersJson(
      makeSnapshot({ clusters: [makeCluster('c', [makeHost({ healthFlags })])] }),
    );
    const status = (
      JSON.parse(body) as { cluster_statuses: { host_statuses: { health_status: object }[] }[] }
    ).cluster_statuses[0]!.host_statuses[0]!.health_status;
    expect(status).toEqual(expected);
    expect(Object.keys(status)).toEqual(Object.keys(expected));
  });
});
