import { describe, expect, it } from 'vitest';
import { OUTLIER_DETECTION_DEFAULTS } from '../../../src/config/parse-outlier-detection.js';
import { HealthCheckSession } from '../../../src/health/health-check-session.js';
import { healthFlagBit, isInPanic, selectHostSource } from '../../../src/health/host-health.js';
import type { HealthCheckConfig } from '../../../src/types.js';

const settings = { healthyPanicThreshold: 50, overprovisioningFactor: 140 };

describe('panic threshold', () => {
  it('panics below 50 % healthy and not at 50 %', () => {
    expect(isInPanic({ hosts: 4, excluded: 0, healthy: 1 }, settings)).toBe(true);
    expect(isInPanic({ hosts: 4, excluded: 0, healthy: 2 }, settings)).toBe(false);
  });

  it('never panics while 1.4 × healthy share reaches 100 %, whatever the threshold', () => {
    // 3 of 4 healthy: 75 % < 80 % threshold, but 140 × 3 / 4 = 105 → availability 100 → no panic.
    expect(isInPanic({ hosts: 4, excluded: 0, healthy: 3 }, { ...settings, healthyPanicThreshold: 80 })).toBe(
      false,
    );
    // 2 of 3 healthy: 66.7 % < 80 % and 140 × 2 / 3 = 93 → panic.
    expect(isInPanic({ hosts: 3, excluded: 0, healthy: 2 }, { ...settings, healthyPanicThreshold: 80 })).toBe(
      true,
    );
  });

  it('threshold 0 disables panic; excluded hosts leave the count', () => {
    expect(isInPanic({ hosts: 4, excluded: 0, healthy: 0 }, { ...settings, healthyPanicThreshold: 0 })).toBe(
      false,
    );
    expect(isInPanic({ hosts: 4, excluded: 2, healthy: 1 }, settings)).toBe(false);
  });

  it('selects the healthy hosts, or all hosts in panic', () => {
    const ejected = healthFlagBit('failed_outlier_check');
    const flags = new Map([
      ['a', ejected],
      ['b', 0],
      ['c', 0],
      ['d', 0],
    ]);
    const pick = (hosts: string[]) => selectHostSource(hosts, (host) => flags.get(host) ?? 0, settings);
    expect(pick(['a', 'b', 'c', 'd'])).toEqual({ hosts: ['b', 'c', 'd'], isPanic: false });
    flags.set('b', ejected);
    flags.set('c', ejected);
    expect(pick(['a', 'b', 'c', 'd'])).toEqual({ hosts: ['a', 'b', 'c', 'd'], isPanic: true });
  });

  it('default max_ejection_percent (10 %) cannot reach panic', () => {
    expect(OUTLIER_DETECTION_DEFAULTS.maxEjectionPercent).toBeLessThan(50);
  });
});

const hc: HealthCheckConfig = {
  timeoutMs: 1000,
  intervalMs: 5000,
  unhealthyIntervalMs: 2000,
  unhealthyEdgeIntervalMs: 1000,
  healthyEdgeIntervalMs: 500,
  noTrafficIntervalMs: 60_000,
  noTrafficHealthyIntervalMs: 60_000,
  initialJitterMs: 0,
  intervalJitterMs: 0,
  intervalJitterPercent: 0,
  unhealthyThreshold: 3,
  healthyThreshold: 2,
  reuseConnection: true,
  path: '/healthz',
  host: '',
  expectedStatuses: [[200, 201]],
  retriableStatuses: [],
};
const noJitter = () => 0;

describe('health check session', () => {
  it('starts failed and becomes healthy on the first passing check', () => {
    const session = new HealthCheckSession(hc, { excludeUntilFirstCheck: true });
    expect(session.hostFlags).toEqual({
      failedActiveHc: true,
      pendingActiveHc: true,
      activeHcTimeout: false,
    });
    expect(session.onSuccess()).toBe('changed');
    expect(session.hostFlags.failedActiveHc).toBe(false);
    expect(session.hostFlags.pendingActiveHc).toBe(false);
  });

  it('fails at once on an unexpected status, after unhealthy_threshold network failures', () => {
    const session = new HealthCheckSession(hc, { excludeUntilFirstCheck: false });
    session.onSuccess();
    expect(session.onFailure('network')).toBe('change-pending');
    expect(session.nextIntervalMs('change-pending', true, noJitter)).toBe(1000);
    expect(session.onFailure('network')).toBe('change-pending');
    expect(session.onFailure('timeout')).toBe('changed');
    expect(session.hostFlags).toEqual({
      failedActiveHc: true,
      pendingActiveHc: false,
      activeHcTimeout: true,
    });
    const other = new HealthCheckSession(hc, { excludeUntilFirstCheck: false });
    other.onSuccess();
    expect(other.onFailure('active')).toBe('changed');
    expect(other.onFailure('active', false)).toBe('unchanged');
    expect(other.nextIntervalMs('unchanged', true, noJitter)).toBe(2000);
  });

  it('needs healthy_threshold passes in a row to recover after the first check', () => {
    const session = new HealthCheckSession(hc, { excludeUntilFirstCheck: false });
    session.onFailure('active');
    expect(session.onSuccess()).toBe('change-pending');
    expect(session.nextIntervalMs('change-pending', true, noJitter)).toBe(500);
    expect(session.onSuccess()).toBe('changed');
    expect(session.nextIntervalMs('changed', true, noJitter)).toBe(5000);
    expect(session.nextIntervalMs('changed', false, noJitter)).toBe(60_000);
  });
});
