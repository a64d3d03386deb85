import { describe, expect, it } from 'vitest';

import { buildLoadRecord } from '../../../src/load/load-record.js';
import { mergeGeneratorReports } from '../../../src/load/merge-generator-reports.js';
import type { LoadSpec } from '../../../src/scenario/types.js';
import { createGeneratorReport } from './generator-report-fixture.js';

const load: LoadSpec = {
  connections: 20,
  durationMs: 10_000,
  warmupMs: 1_000,
  rateRps: undefined,
  timeoutMs: 10_000,
  path: '/',
  generators: 2,
};

describe('buildLoadRecord', () => {
  it('maps the merged generators to the record: counts, tally, µs percentiles in ms, client path', () => {
    const merged = mergeGeneratorReports([
      createGeneratorReport(0, 2, [0.41, 0.41, 0.5]),
      createGeneratorReport(1, 2, [0.41, 2]),
    ]);
    const record = buildLoadRecord({ merged, load, clientPath: 'local-process' });
    expect(record).toMatchObject({
      mode: 'closed',
      connections: 20,
      rateRps: undefined,
      durationMs: 10_001,
      warmupMs: 1_000,
      requestsSent: 7,
      responses: 7,
      status2xx: 5,
      non2xx: 2,
      untallied: 2,
      latencySamples: 5,
      podTally: { 'myapp-0': 3, 'myapp-1': 2 },
      client: { path: 'local-process', generators: 2, startSpreadMs: 1 },
    });
    expect(record.rps).toBeCloseTo(7 / 10.001, 6);
    expect(record.latency.p50Ms).toBeCloseTo(0.41, 3);
    expect(record.latency.resolutionMs).toBe(0.001);
    expect(record.client?.latencyHistogramUs).toBe(merged.latency.histogram);
    expect(record.generator).toBe(
      '2 generators (20 connections in all), each autocannon 8.0.0, closed loop, 10 connections',
    );
  });

  it('describes a single generator as itself and an open loop with its rate', () => {
    const single = mergeGeneratorReports([createGeneratorReport(0, 1, [1], { mode: 'open', rateRps: 100 })]);
    const record = buildLoadRecord({ merged: single, load, clientPath: 'in-cluster-job' });
    expect(record.generator).toBe('autocannon 8.0.0, closed loop, 10 connections');
    expect(record.mode).toBe('open');
    expect(record.rateRps).toBe(100);
    expect(record.client?.path).toBe('in-cluster-job');
  });

  it('reports 0 req/s for an empty window', () => {
    const merged = mergeGeneratorReports([
      createGeneratorReport(0, 1, [], { measureStartMs: 5, measureEndMs: 5 }),
    ]);
    expect(buildLoadRecord({ merged, load, clientPath: 'local-process' }).rps).toBe(0);
  });
});
