import { describe, expect, it } from 'vitest';
import { OUTLIER_DETECTION_DEFAULTS } from '../../../src/config/parse-outlier-detection.js';
import { OutlierCounters } from '../../../src/health/outlier-counters.js';
import {
  computeSuccessRateThreshold,
  OutlierDetector,
  type OutlierEvent,
} from '../../../src/health/outlier-detector.js';
import { recordOutlierResult, type OutlierResult } from '../../../src/health/outlier-result.js';
import type { OutlierDetectionConfig } from '../../../src/types.js';

/** A detector over `hosts` slots with a hand-driven clock; results go through the worker-side recorder. */
function setup(overrides: Partial<OutlierDetectionConfig>, hosts: number) {
  const config = { ...OUTLIER_DETECTION_DEFAULTS, ...overrides };
  const counters = new OutlierCounters(new ArrayBuffer(hosts * 12 * 4));
  const clock = { ms: 0 };
  const events: OutlierEvent[] = [];
  const detector = new OutlierDetector(config, counters, {
    now: () => clock.ms,
    random: () => 0,
    onChange: (event) => events.push(event),
  });
  for (let slot = 0; slot < hosts; slot++) detector.addHost(slot);
  const put = (slot: number, result: OutlierResult, times = 1): void => {
    for (let i = 0; i < times; i++) {
      for (const counter of recordOutlierResult(counters, slot, result, config))
        detector.onConsecutiveError(slot, counter);
    }
  };
  const tickAt = (ms: number): void => {
    clock.ms = ms;
    detector.onIntervalTimer();
  };
  return { detector, put, tickAt, clock, events };
}

const http = (status: number): OutlierResult => ({ kind: 'http', status });

describe('consecutive 5xx', () => {
  it('ejects on the fifth 5xx in a row and not before; a success resets the count', () => {
    const { detector, put } = setup({ maxEjectionPercent: 100 }, 4);
    put(0, http(500), 4);
    put(0, http(200));
    put(0, http(500), 4);
    expect(detector.isEjected(0)).toBe(false);
    put(0, http(500));
    expect(detector.isEjected(0)).toBe(true);
    expect(detector.counters.ejections_enforced_consecutive_5xx).toBe(1);
    expect(detector.counters.ejections_detected_consecutive_5xx).toBe(1);
    expect(detector.activeEjections).toBe(1);
  });

  it('counts connect failures and timeouts as 503 and 504 without split_external_local_origin_errors', () => {
    const { detector, put } = setup({ maxEjectionPercent: 100, consecutive5xx: 2 }, 2);
    put(1, { kind: 'connect-failed' });
    put(1, { kind: 'timeout' });
    expect(detector.isEjected(1)).toBe(true);
  });

  it('does not eject when enforcing_consecutive_5xx is 0, but counts the detection', () => {
    const { detector, put } = setup({ maxEjectionPercent: 100, enforcingConsecutive5xx: 0 }, 2);
    put(0, http(503), 5);
    expect(detector.isEjected(0)).toBe(false);
    expect(detector.counters.ejections_detected_consecutive_5xx).toBe(1);
    expect(detector.counters.ejections_enforced_total).toBe(0);
  });
});

describe('consecutive gateway failure', () => {
  it('is detected but not enforced by default (enforcing 0 %)', () => {
    const { detector, put } = setup({ maxEjectionPercent: 100, consecutive5xx: 100 }, 2);
    put(0, http(502), 5);
    expect(detector.counters.ejections_detected_consecutive_gateway_failure).toBe(1);
    expect(detector.isEjected(0)).toBe(false);
  });

  it('ejects when enforced; a 500 in between resets the gateway count', () => {
    const { detector, put } = setup(
      { maxEjectionPercent: 100, consecutive5xx: 100, enforcingConsecutiveGatewayFailure: 100 },
      2,
    );
    put(0, http(503), 4);
    put(0, http(500));
    put(0, http(504), 4);
    expect(detector.isEjected(0)).toBe(false);
    put(0, http(502));
    expect(detector.isEjected(0)).toBe(true);
    expect(detector.counters.ejections_enforced_consecutive_gateway_failure).toBe(1);
  });
});

describe('max_ejection_percent', () => {
  it('with the default 10 % ejects nobody in a cluster of fewer than ten hosts (Envoy 1.27+)', () => {
    const { detector, put } = setup({}, 4);
    put(0, http(500), 5);
    expect(detector.isEjected(0)).toBe(false);
    expect(detector.counters.ejections_overflow).toBe(1);
  });

  it('with 10 hosts and 10 % ejects exactly one', () => {
    const { detector, put } = setup({}, 10);
    put(0, http(500), 5);
    put(1, http(500), 5);
    expect([detector.isEjected(0), detector.isEjected(1)]).toEqual([true, false]);
    expect(detector.counters.ejections_overflow).toBe(1);
  });

  it('counts (ejected + 1) / hosts <= percent: 50 % of 4 hosts allows two', () => {
    const { detector, put } = setup({ maxEjectionPercent: 50 }, 4);
    for (const slot of [0, 1, 2]) put(slot, http(500), 5);
    expect([0, 1, 2].map((slot) => detector.isEjected(slot))).toEqual([true, true, false]);
  });

  it('always_eject_one_host lets the first ejection through below the percentage', () => {
    const { detector, put } = setup({ alwaysEjectOneHost: true }, 4);
    put(0, http(500), 5);
    put(1, http(500), 5);
    expect([detector.isEjected(0), detector.isEjected(1)]).toEqual([true, false]);
  });
});

describe('ejection time', () => {
  it('grows as base × ejections, is checked on interval ticks, and decays while healthy', () => {
    const base = 30_000;
    const { detector, put, tickAt, clock } = setup({ maxEjectionPercent: 100 }, 2);
    put(0, http(500), 5); // ejected at 0, backoff 1 → 30 s
    tickAt(20_000);
    expect(detector.isEjected(0)).toBe(true);
    tickAt(30_000);
    expect(detector.isEjected(0)).toBe(false);
    clock.ms = 35_000;
    put(0, http(500), 5); // backoff 2 → 60 s
    tickAt(35_000 + 2 * base - 1);
    expect(detector.isEjected(0)).toBe(true);
    tickAt(35_000 + 2 * base);
    expect(detector.isEjected(0)).toBe(false);
    // Healthy for two more intervals: the backoff goes 2 → 1 → 0 (one step per tick at least an interval on).
    tickAt(105_000);
    tickAt(115_000);
    clock.ms = 120_000;
    put(0, http(500), 5); // backoff 0 → 1 → 30 s
    tickAt(120_000 + base);
    expect(detector.isEjected(0)).toBe(false);
    expect(detector.numEjections(0)).toBe(3);
  });

  it('is capped by max_ejection_time', () => {
    const { detector, put, tickAt, clock } = setup(
      { maxEjectionPercent: 100, baseEjectionTimeMs: 10_000, maxEjectionTimeMs: 15_000, intervalMs: 1000 },
      2,
    );
    put(0, http(500), 5);
    tickAt(10_000);
    clock.ms = 10_000;
    put(0, http(500), 5); // backoff 2: min(20 s, 15 s) = 15 s
    tickAt(24_999);
    expect(detector.isEjected(0)).toBe(true);
    tickAt(25_000);
    expect(detector.isEjected(0)).toBe(false);
  });
});

describe('success rate', () => {
  it('matches the worked example in Envoy (50, 100, 100, 100, 100 → mean 90, threshold 52)', () => {
    expect(computeSuccessRateThreshold([50, 100, 100, 100, 100], 1.9)).toEqual({
      average: 90,
      ejectionThreshold: 52,
    });
  });

  it('ejects the host under mean − 1.9 σ after an interval with enough volume, and shows the rates', () => {
    const { detector, put, tickAt } = setup({ maxEjectionPercent: 100, consecutive5xx: 1000 }, 5);
    for (let slot = 1; slot < 5; slot++) put(slot, http(200), 100);
    put(0, http(200), 50);
    put(0, http(500), 50);
    tickAt(10_000); // swaps buckets: the interval's counts become readable
    expect(detector.isEjected(0)).toBe(true);
    expect(detector.counters.ejections_enforced_success_rate).toBe(1);
    expect(detector.successRateFigures('external')).toEqual({ average: 90, ejectionThreshold: 52 });
    expect(detector.successRate(1, 'external')).toBe(100);
    expect(detector.successRate(0, 'external')).toBe(50);
  });

  it('computes nothing below success_rate_request_volume or success_rate_minimum_hosts', () => {
    const { detector, put, tickAt } = setup({ maxEjectionPercent: 100, consecutive5xx: 1000 }, 5);
    for (let slot = 0; slot < 4; slot++) put(slot, http(200), 100);
    put(4, http(500), 99);
    tickAt(10_000);
    expect(detector.isEjected(4)).toBe(false);
    expect(detector.successRateFigures('external')).toEqual({ average: -1, ejectionThreshold: -1 });
    // 99 requests reach failure_percentage_request_volume (50), so the host's rate is still shown.
    expect(detector.successRate(4, 'external')).toBe(0);
  });
});
