import { describe, expect, it } from 'vitest';
import type { ResultsFile, RunRecord } from '../../../src/results/types.js';
import { mapRowsToProxyGroups, sortRowsByProxyGroup } from '../../../src/report/proxy-groups.js';
import { describeReading } from '../../../src/report/reading.js';
import { loadFixture } from './load-fixture.js';

function withMedians(
  results: ResultsFile,
  medians: Record<string, { jain: number; cv: number; p99: number }>,
): ResultsFile {
  return {
    ...results,
    summaries: results.summaries.map((summary) => {
      const median = medians[summary.row];
      if (median === undefined) return summary;
      const set = (value: number) => ({
        median: value,
        values: [value],
        ci: { level: 0.95, low: value, high: value },
      });
      return {
        ...summary,
        metrics: { ...summary.metrics, jain: set(median.jain), cv: set(median.cv), p99_ms: set(median.p99) },
      };
    }),
  };
}

describe('describeReading', () => {
  it('names the most even row (Jain, CV on a tie) and the row with the lowest p99', async () => {
    const results = withMedians(await loadFixture('quickstart-3-policies'), {
      ROUND_ROBIN: { jain: 0.999, cv: 0.02, p99: 30 },
      LEAST_REQUEST: { jain: 0.999, cv: 0.01, p99: 12.5 },
      RANDOM: { jain: 0.95, cv: 0.2, p99: 40 },
    });
    expect(describeReading(results)).toBe(
      'Most even spread: LEAST_REQUEST (Jain 0.9990, CV 0.010). Lowest p99: LEAST_REQUEST (12.50 ms).',
    );
  });

  it('says nothing with a single row', async () => {
    const results = await loadFixture('quickstart-3-policies');
    expect(describeReading({ ...results, summaries: results.summaries.slice(0, 1) })).toBeUndefined();
  });
});

describe('proxy groups', () => {
  it('orders rows Envoy-style proxy, CLUSTER_IP, HAProxy, nginx', async () => {
    const results = await loadFixture('quickstart-3-policies');
    const run = results.runs[0] as RunRecord;
    const kinds = { a: 'nginx', b: 'haproxy', c: 'lbbench', d: 'cluster-ip' } as const;
    const runs = Object.entries(kinds).map(([row, kind]) => ({
      ...run,
      row,
      proxy: { ...run.proxy, kind },
    }));
    const groups = mapRowsToProxyGroups({ ...results, runs: runs });
    expect(sortRowsByProxyGroup(['a', 'b', 'c', 'd'], groups)).toEqual(['c', 'd', 'b', 'a']);
    expect(groups.get('b')).toBe('HAProxy');
  });
});
