import { describe, expect, it } from 'vitest';
import { renderStatsJson, renderStatsText } from '../../../src/admin/render-stats.js';
import { parseStatsQuery, type StatsQuery } from '../../../src/admin/stats-query.js';
import { makeSnapshot } from './make-snapshot.js';

const snapshot = makeSnapshot({
  counters: new Map([
    ['cluster.myapp_cluster.upstream_rq_total', 123],
    ['cluster.myapp_cluster.upstream_rq_timeout', 0],
    ['http.ingress_http.downstream_rq_total', 123],
  ]),
  gauges: new Map([
    ['cluster.myapp_cluster.membership_healthy', 3],
    ['server.uptime', 12],
  ]),
  histograms: [
    {
      name: 'http.ingress_http.downstream_rq_time',
      cumulative: [1, 1.025, 2, 3, 4, 5, 6, 7, 8, 9],
      sampleCount: 123,
      sampleSum: 400,
    },
    {
      name: 'cluster.myapp_cluster.upstream_cx_connect_ms',
      cumulative: undefined,
      sampleCount: 0,
      sampleSum: 0,
    },
  ],
});

function query(search: string): StatsQuery {
  const parsed = parseStatsQuery(new URLSearchParams(search));
  if (!parsed.ok) {
    throw new Error(parsed.message);
  }
  return parsed.query;
}

describe('renderStatsText', () => {
  it('merges counters and gauges sorted by name, then histograms', () => {
    expect(renderStatsText(snapshot, query(''))).toBe(
      [
        'cluster.myapp_cluster.membership_healthy: 3',
        'cluster.myapp_cluster.upstream_rq_timeout: 0',
        'cluster.myapp_cluster.upstream_rq_total: 123',
        'http.ingress_http.downstream_rq_total: 123',
        'server.uptime: 12',
        'cluster.myapp_cluster.upstream_cx_connect_ms: No recorded values',
        'http.ingress_http.downstream_rq_time: P0(nan,1) P25(nan,1.025) P50(nan,2) P75(nan,3) P90(nan,4) P95(nan,5) P99(nan,6) P99.5(nan,7) P99.9(nan,8) P100(nan,9)',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [
      'filter=upstream_rq',
      ['cluster.myapp_cluster.upstream_rq_timeout: 0', 'cluster.myapp_cluster.upstream_rq_total: 123'],
    ],
    ['filter=^server\\.', ['server.uptime: 12']],
    [
      'usedonly&filter=myapp',
      ['cluster.myapp_cluster.membership_healthy: 3', 'cluster.myapp_cluster.upstream_rq_total: 123'],
    ],
    ['type=Gauges', ['cluster.myapp_cluster.membership_healthy: 3', 'server.uptime: 12']],
    [
      'type=Histograms&usedonly',
      [expect.stringMatching(/^http\.ingress_http\.downstream_rq_time: P0\(nan,1\)/)],
    ],
  ])('applies ?%s', (search, expected) => {
    expect(renderStatsText(snapshot, query(search)).trimEnd().split('\n')).toEqual(expected);
  });
});

describe('renderStatsJson', () => {
  it('prints compact JSON with numeric values and one trailing histograms entry', () => {
    const body = renderStatsJson(snapshot, query('filter=downstream'));
    expect(body).not.toContain('\n');
    expect(JSON.parse(body)).toEqual({
      stats: [
        { name: 'http.ingress_http.downstream_rq_total', value: 123 },
        {
          histograms: {
            supported_quantiles: [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100],
            computed_quantiles: [
              {
                name: 'http.ingress_http.downstream_rq_time',
                values: [1, 1.025, 2, 3, 4, 5, 6, 7, 8, 9].map((cumulative) => ({
                  cumulative,
                  interval: null,
                })),
              },
            ],
          },
        },
      ],
    });
  });

  it('leaves the histograms entry out when no histogram passes the filter', () => {
    expect(JSON.parse(renderStatsJson(snapshot, query('filter=^server')))).toEqual({
      stats: [{ name: 'server.uptime', value: 12 }],
    });
  });
});

describe('parseStatsQuery', () => {
  it.each([['filter=('], ['format=xml'], ['type=Sometimes']])('rejects ?%s', (search) => {
    const parsed = parseStatsQuery(new URLSearchParams(search));
    expect(parsed.ok).toBe(false);
  });

  it('reads the defaults and the prometheus format', () => {
    expect(parseStatsQuery(new URLSearchParams(''))).toEqual({
      ok: true,
      query: { format: 'text', filter: undefined, usedOnly: false, type: 'All' },
    });
    expect(parseStatsQuery(new URLSearchParams('format=prometheus'))).toMatchObject({
      ok: true,
      query: { format: 'prometheus' },
    });
  });
});
