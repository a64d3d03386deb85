import { describe, expect, it } from 'vitest';
import { describeRow } from '../../../src/scenario/describe-row.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import type { PolicyEntry } from '../../../src/scenario/types.js';

describe('describeRow', () => {
  it.each<[PolicyEntry, string]>([
    [envoyRow('ROUND_ROBIN'), 'ROUND_ROBIN'],
    [
      { ...envoyRow('LEAST_REQUEST'), name: 'LR-3', settings: { choiceCount: 3 } },
      'LR-3 (LEAST_REQUEST, choice_count 3)',
    ],
    [
      { ...envoyRow('ROUND_ROBIN'), name: 'RR-PLAIN', settings: { outlierDetection: false, retries: false } },
      'RR-PLAIN (ROUND_ROBIN, no outlier_detection, no retry_policy)',
    ],
    [
      {
        ...envoyRow('RING_HASH'),
        settings: {
          healthCheck: {
            intervalMs: 1000,
            timeoutMs: 200,
            unhealthyThreshold: 2,
            healthyThreshold: 1,
            path: '/',
          },
        },
      },
      'RING_HASH (its own health_checks)',
    ],
    [{ name: 'CLUSTER_IP', proxy: 'cluster-ip', policy: 'CLUSTER_IP' }, 'CLUSTER_IP'],
    [{ name: 'haproxy:leastconn', proxy: 'haproxy', policy: 'leastconn' }, 'haproxy:leastconn'],
    [{ name: 'LC', proxy: 'nginx', policy: 'least_conn' }, 'LC (nginx least_conn)'],
  ])('%j reads %s', (row, text) => {
    expect(describeRow(row)).toBe(text);
  });
});
