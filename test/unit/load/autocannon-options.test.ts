import { describe, expect, it } from 'vitest';

import { buildAutocannonOptions, describeGenerator } from '../../../src/load/autocannon-options.js';
import type { LoadSpec } from '../../../src/scenario/types.js';

const load: LoadSpec = {
  connections: 50,
  durationMs: 10_000,
  warmupMs: 2_000,
  rateRps: undefined,
  timeoutMs: 10_000,
  path: '/',
  generators: 1,
};
const url = 'http://127.0.0.1:8080/';

describe('buildAutocannonOptions', () => {
  it('builds a closed loop: connections, duration in seconds, no rate and no CO setting', () => {
    const options = buildAutocannonOptions({ url, load, phase: 'measure', title: 'ROUND_ROBIN rep 1' });
    expect(options).toEqual({
      url,
      title: 'ROUND_ROBIN rep 1',
      connections: 50,
      pipelining: 1,
      duration: 10,
      timeout: 10,
      sampleInt: 100,
      headers: {},
    });
  });

  it('uses the warm-up duration for the warm-up phase', () => {
    expect(buildAutocannonOptions({ url, load, phase: 'warmup' })).toMatchObject({
      duration: 2,
      title: 'lbbench warmup',
    });
  });

  it('builds an open loop with the overall rate and coordinated-omission correction off', () => {
    const options = buildAutocannonOptions({ url, load: { ...load, rateRps: 1000 }, phase: 'measure' });
    expect(options).toMatchObject({ connections: 50, overallRate: 1000, ignoreCoordinatedOmission: true });
  });

  it('records the connections autocannon really uses when the rate is below them', () => {
    expect(
      buildAutocannonOptions({ url, load: { ...load, rateRps: 20 }, phase: 'measure' }).connections,
    ).toBe(20);
  });

  it('copies headers and keeps fractional seconds', () => {
    const options = buildAutocannonOptions({
      url,
      load: { ...load, durationMs: 1500, timeoutMs: 2500 },
      phase: 'measure',
      headers: { 'user-agent': 'lbbench' },
    });
    expect(options).toMatchObject({ duration: 1.5, timeout: 2.5, headers: { 'user-agent': 'lbbench' } });
  });

  it.each<[string, Partial<LoadSpec>, RegExp]>([
    ['zero connections', { connections: 0 }, /load\.connections must be an integer ≥ 1, got 0/],
    ['fractional connections', { connections: 2.5 }, /load\.connections must be an integer ≥ 1, got 2\.5/],
    ['zero duration', { durationMs: 0 }, /load\.durationMs must be a number > 0, got 0/],
    ['negative warm-up', { warmupMs: -1 }, /load\.warmupMs must be an integer ≥ 0, got -1/],
    ['sub-second timeout', { timeoutMs: 500 }, /load\.timeoutMs must be ≥ 1000 .* got 500/],
    ['fractional rate', { rateRps: 10.5 }, /load\.rateRps must be an integer ≥ 1, got 10\.5/],
  ])('rejects %s', (_what, override, message) => {
    expect(() => buildAutocannonOptions({ url, load: { ...load, ...override }, phase: 'measure' })).toThrow(
      message,
    );
  });
});

describe('describeGenerator', () => {
  it.each([
    [
      load,
      'autocannon 8.0.0, closed loop, 50 connections, pipelining 1, timeout 10 s, ' +
        'graceful stop (requests in flight at the end complete and are counted)',
    ],
    [
      { ...load, rateRps: 1000 },
      'autocannon 8.0.0, open loop, 1000 req/s over 50 connections (per-connection 1 s windows), ' +
        'coordinated-omission correction off, pipelining 1, timeout 10 s, ' +
        'graceful stop (requests in flight at the end complete and are counted)',
    ],
  ])('describes %j', (spec, text) => {
    expect(describeGenerator(buildAutocannonOptions({ url, load: spec, phase: 'measure' }), '8.0.0')).toBe(
      text,
    );
  });
});
