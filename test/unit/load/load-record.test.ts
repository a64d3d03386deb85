import { describe, expect, it } from 'vitest';

import { buildLoadRecord, readAutocannonSummary } from '../../../src/load/load-record.js';
import type { LoadSpec } from '../../../src/scenario/types.js';

/** The shape of an autocannon 8 result (trimmed to what matters plus a few extra fields). */
function createResult(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'x',
    url: 'http://127.0.0.1:1/',
    connections: 10,
    start: new Date(1_000),
    finish: new Date(11_000),
    errors: 3,
    timeouts: 1,
    non2xx: 5,
    '2xx': 995,
    requests: { sent: 1010, average: 100 },
    latency: { min: 1, p0_001: 0, mean: 2.5, p50: 2, p90: 4, p99: 9, p99_9: 12, max: 20, totalCount: 1000 },
    ...overrides,
  };
}

const load: LoadSpec = {
  connections: 10,
  durationMs: 10_000,
  warmupMs: 1_000,
  rateRps: undefined,
  timeoutMs: 10_000,
  path: '/',
};

describe('readAutocannonSummary', () => {
  it('reads the fields lbbench uses', () => {
    expect(readAutocannonSummary(createResult())).toEqual({
      connections: 10,
      startMs: 1_000,
      finishMs: 11_000,
      requestsSent: 1010,
      status2xx: 995,
      non2xx: 5,
      errors: 3,
      timeouts: 1,
      latency: { min: 1, p0_001: 0, mean: 2.5, p50: 2, p90: 4, p99: 9, p99_9: 12, max: 20, totalCount: 1000 },
    });
  });

  it.each([
    ['latency', { latency: undefined }, /"latency" must be an object/],
    [
      'latency.p99_9',
      { latency: { min: 1, mean: 1, p50: 1, p90: 1, p99: 1, max: 1, totalCount: 1, p0_001: 1 } },
      /"latency\.p99_9" must be a number/,
    ],
    ['start', { start: '2024-01-01' }, /"start" must be a Date/],
    ['2xx', { '2xx': '995' }, /"2xx" must be a number/],
  ])('names a missing or wrong %s', (_field, override, message) => {
    expect(() => readAutocannonSummary(createResult(override))).toThrow(message);
  });
});

describe('buildLoadRecord', () => {
  const summary = readAutocannonSummary(createResult());

  it('maps counts, rate and latency of the measured window', () => {
    const record = buildLoadRecord({
      summary,
      tally: { byPod: { a: 500, b: 495 }, untallied: 5 },
      load,
      generator: 'autocannon 8.0.0, closed loop',
      ticks: [{ tMs: 1000, responses: 100, errors: 5 }],
    });
    expect(record).toEqual({
      mode: 'closed',
      connections: 10,
      rateRps: undefined,
      durationMs: 10_000,
      warmupMs: 1_000,
      requestsSent: 1010,
      responses: 1000,
      status2xx: 995,
      non2xx: 5,
      errors: 3,
      timeouts: 1,
      rps: 100,
      latency: {
        minMs: 0,
        meanMs: 2.5,
        p50Ms: 2,
        p90Ms: 4,
        p99Ms: 9,
        p999Ms: 12,
        maxMs: 20,
        resolutionMs: 1,
      },
      latencySamples: 1000,
      podTally: { a: 500, b: 495 },
      untallied: 5,
      generator: 'autocannon 8.0.0, closed loop',
      ticks: [{ tMs: 1000, responses: 100, errors: 5 }],
    });
  });

  it('marks an open loop and survives an empty run', () => {
    const empty = readAutocannonSummary(
      createResult({
        '2xx': 0,
        non2xx: 0,
        finish: new Date(1_000),
        latency: {
          min: 0,
          p0_001: 0,
          mean: Number.NaN,
          p50: 0,
          p90: 0,
          p99: 0,
          p99_9: 0,
          max: 0,
          totalCount: 0,
        },
      }),
    );
    const record = buildLoadRecord({
      summary: empty,
      tally: { byPod: {}, untallied: 0 },
      load: { ...load, rateRps: 50 },
      generator: 'g',
      ticks: [],
    });
    expect(record).toMatchObject({ mode: 'open', rateRps: 50, responses: 0, rps: 0, durationMs: 0 });
    expect(record.latency.meanMs).toBe(0);
  });
});
