import { describe, expect, it } from 'vitest';
import {
  getFailureDelayMs,
  getSuccessDelayMs,
  resetFailureBackoff,
} from '../../../src/discovery/refresh-delay.js';
import type { FailureBackoff, RefreshSettings } from '../../../src/discovery/refresh-delay.js';

const BASE: RefreshSettings = {
  dnsRefreshRateMs: 5000,
  dnsJitterMs: 0,
  respectDnsTtl: false,
  dnsFailureRefreshRate: undefined,
};

describe('getSuccessDelayMs', () => {
  it.each([
    ['the refresh rate by default', {}, 30, 5000],
    ['the refresh rate when TTLs are not respected', { respectDnsTtl: false }, 2, 5000],
    ['the minimum TTL with respect_dns_ttl', { respectDnsTtl: true }, 2, 2000],
    ['the refresh rate for a TTL of 0', { respectDnsTtl: true }, 0, 5000],
    ['the refresh rate for an empty answer', { respectDnsTtl: true }, undefined, 5000],
    ['the refresh rate plus random % jitter', { dnsJitterMs: 1000 }, 30, 5000 + (123_456 % 1000)],
    ['the TTL plus random % jitter', { respectDnsTtl: true, dnsJitterMs: 1000 }, 3, 3000 + (123_456 % 1000)],
  ] as const)('is %s', (_label, overrides: Partial<RefreshSettings>, minTtlSeconds, expectedMs) => {
    expect(getSuccessDelayMs({ ...BASE, ...overrides }, minTtlSeconds, () => 123_456)).toBe(expectedMs);
  });

  it('draws no random number without jitter', () => {
    const random = (): number => {
      throw new Error('random drawn');
    };
    expect(getSuccessDelayMs(BASE, 1, random)).toBe(5000);
  });
});

describe('failure back-off', () => {
  it('retries after a fixed refresh rate without dns_failure_refresh_rate', () => {
    let backoff = resetFailureBackoff(BASE);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const next = getFailureDelayMs(BASE, backoff, () => 7);
      expect(next.delayMs).toBe(5000);
      backoff = next.backoff;
    }
  });

  it('draws random % interval with the interval doubling from base to max', () => {
    const settings = { ...BASE, dnsFailureRefreshRate: { baseIntervalMs: 1000, maxIntervalMs: 5000 } };
    const randoms = [999, 1999, 3999, 4999, 4999, 12_345];
    let backoff: FailureBackoff = resetFailureBackoff(settings);
    const steps: [number, number][] = [];
    for (const value of randoms) {
      const next = getFailureDelayMs(settings, backoff, () => value);
      steps.push([backoff.currentIntervalMs, next.delayMs]);
      backoff = next.backoff;
    }
    expect(steps).toEqual([
      [1000, 999],
      [2000, 1999],
      [4000, 3999],
      [5000, 4999],
      [5000, 4999],
      [5000, 12_345 % 5000],
    ]);
    expect(resetFailureBackoff(settings)).toEqual({ currentIntervalMs: 1000 });
  });
});
