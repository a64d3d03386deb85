import { describe, expect, it } from 'vitest';
import { extractTags } from '../../../src/admin/extract-tags.js';
import { renderPrometheus } from '../../../src/admin/render-prometheus.js';
import { parseStatsQuery, type StatsQuery } from '../../../src/admin/stats-query.js';
import { makeSnapshot } from './make-snapshot.js';

function query(search: string): StatsQuery {
  const parsed = parseStatsQuery(new URLSearchParams(search));
  if (!parsed.ok) {
    throw new Error(parsed.message);
  }
  return parsed.query;
}

describe('extractTags', () => {
  it.each([
    [
      'cluster.myapp_cluster.upstream_rq_total',
      'cluster.upstream_rq_total',
      [['envoy.cluster_name', 'myapp_cluster']],
    ],
    [
      'cluster.myapp_cluster.upstream_rq_200',
      'cluster.upstream_rq',
      [
        ['envoy.response_code', '200'],
        ['envoy.cluster_name', 'myapp_cluster'],
      ],
    ],
    [
      'http.ingress_http.downstream_rq_2xx',
      'http.downstream_rq_xx',
      [
        ['envoy.response_code_class', '2'],
        ['envoy.http_conn_manager_prefix', 'ingress_http'],
      ],
    ],
    [
      'listener.0.0.0.0_80.downstream_cx_total',
      'listener.downstream_cx_total',
      [['envoy.listener_address', '0.0.0.0_80']],
    ],
    [
      'listener.[__1]_80.downstream_cx_total',
      'listener.downstream_cx_total',
      [['envoy.listener_address', '[__1]_80']],
    ],
    [
      'listener.127.0.0.1_10000.http.ingress_http.downstream_rq_total',
      'listener.http.downstream_rq_total',
      [
        ['envoy.http_conn_manager_prefix', 'ingress_http'],
        ['envoy.listener_address', '127.0.0.1_10000'],
      ],
    ],
    ['listener.admin.downstream_cx_total', 'listener.admin.downstream_cx_total', []],
    ['cluster.cluster.upstream_cx_total', 'cluster.upstream_cx_total', [['envoy.cluster_name', 'cluster']]],
    ['server.uptime', 'server.uptime', []],
  ])('splits %s', (name, extractedName, tags) => {
    expect(extractTags(name)).toEqual({
      extractedName,
      tags: tags.map(([tag, value]) => ({ name: tag, value })),
    });
  });
});

describe('renderPrometheus', () => {
  it('groups by tag-extracted name: counters, gauges, then summaries, each family followed by a blank line', () => {
    const snapshot = makeSnapshot({
      counters: new Map([
        ['cluster.myapp_cluster.upstream_rq_total', 123],
        ['cluster.other.upstream_rq_total', 7],
        ['cluster.myapp_cluster.upstream_rq_200', 120],
      ]),
      gauges: new Map([['server.uptime', 12]]),
      histograms: [
        {
          name: 'cluster.myapp_cluster.upstream_rq_time',
          cumulative: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
          sampleCount: 3,
          sampleSum: 6.5,
        },
      ],
    });
    expect(renderPrometheus(snapshot, query(''))).toBe(
      [
        '# TYPE envoy_cluster_upstream_rq counter',
        'envoy_cluster_upstream_rq{envoy_response_code="200",envoy_cluster_name="myapp_cluster"} 120',
        '',
        '# TYPE envoy_cluster_upstream_rq_total counter',
        'envoy_cluster_upstream_rq_total{envoy_cluster_name="myapp_cluster"} 123',
        'envoy_cluster_upstream_rq_total{envoy_cluster_name="other"} 7',
        '',
        '# TYPE envoy_server_uptime gauge',
        'envoy_server_uptime{} 12',
        '',
        '# TYPE envoy_cluster_upstream_rq_time summary',
        ...[0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1].map(
          (q, i) =>
            `envoy_cluster_upstream_rq_time{envoy_cluster_name="myapp_cluster",quantile="${q}"} ${i + 1}`,
        ),
        'envoy_cluster_upstream_rq_time_sum{envoy_cluster_name="myapp_cluster"} 6.5',
        'envoy_cluster_upstream_rq_time_count{envoy_cluster_name="myapp_cluster"} 3',
        '',
        '',
      ].join('\n'),
    );
  });

  it('honours usedonly and filter, and prints NaN quantiles for an empty histogram', () => {
    const snapshot = makeSnapshot({
      counters: new Map([
        ['cluster.c.upstream_rq_total', 0],
        ['cluster.c.upstream_cx_total', 2],
      ]),
      histograms: [
        { name: 'server.initialization_time_ms', cumulative: undefined, sampleCount: 0, sampleSum: 0 },
      ],
    });
    expect(renderPrometheus(snapshot, query('usedonly'))).toBe(
      '# TYPE envoy_cluster_upstream_cx_total counter\nenvoy_cluster_upstream_cx_total{envoy_cluster_name="c"} 2\n\n',
    );
    const histogramOnly = renderPrometheus(snapshot, query('filter=initialization'));
    expect(histogramOnly).toContain('envoy_server_initialization_time_ms{quantile="0.5"} NaN\n');
    expect(histogramOnly).toContain('envoy_server_initialization_time_ms_count{} 0\n');
  });
});
