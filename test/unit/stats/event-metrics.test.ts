import { describe, expect, it } from 'vitest';
import type { AppliedEvent, ClientTick, HostRecord, TimelinePoint } from '../../../src/results/types.js';
import { computeEventFigures, reduceEventMetrics } from '../../../src/stats/event-metrics.js';
import type { EventFigures } from '../../../src/stats/types.js';
import { applied, buildHost, buildTimeline, even, repeat } from './timeline-builders.js';

const OLD = ['a', 'b', 'c'];
const NEW = ['d', 'e', 'f'];
const ALL = [...OLD, ...NEW];
const HOSTS_OLD = OLD.map((address) => buildHost(address, true));
const HOSTS_ALL = [...HOSTS_OLD, ...NEW.map((address) => buildHost(address, false))];
/** 250 ms sampling, like a live run with events. */
const STEP_MS = 250;

function measure(input: {
  rows: readonly Readonly<Record<string, number>>[];
  events: readonly AppliedEvent[];
  hosts?: readonly HostRecord[];
  ticks?: readonly ClientTick[];
  timeline?: readonly TimelinePoint[];
}): EventFigures[] {
  return computeEventFigures({
    timeline: input.timeline ?? buildTimeline(STEP_MS, input.rows),
    hosts: input.hosts ?? HOSTS_ALL,
    events: input.events,
    ticks: input.ticks,
  });
}

/** 20 intervals before the scale at 5 s, then `after` rows. */
const beforeScale = repeat(even(OLD, 100), 20);

describe('convergence after a scale-up', () => {
  it.each([
    { name: 'new pods get their fair share at once', after: repeat(even(ALL, 50), 20), expected: 0 },
    {
      name: 'the proxy sees the new pods one second late (DNS refresh)',
      after: [...repeat(even(OLD, 100), 4), ...repeat(even(ALL, 50), 16)],
      expected: 1000,
    },
    {
      // At 36% of their fair rate for a second, then at it: the window 5.25–6.25 s is the first over half.
      name: 'new pods ramp up: the middle of the first one-second window at half their fair rate',
      after: [...repeat({ ...even(OLD, 90), ...even(NEW, 20) }, 4), ...repeat(even(ALL, 50), 16)],
      expected: 750,
    },
    {
      name: 'one new pod is discovered two seconds after the others',
      after: [...repeat({ ...even(OLD, 60), d: 60, e: 60 }, 8), ...repeat(even(ALL, 50), 12)],
      expected: 2000,
    },
  ])('$name: convergence_ms $expected', ({ after, expected }) => {
    const [figures] = measure({ rows: [...beforeScale, ...after], events: [applied.scale(5000, 6)] });
    expect(figures).toMatchObject({
      action: 'scale',
      isScaleUp: true,
      newHosts: NEW,
      convergenceMs: expected,
    });
  });

  it.each([
    {
      name: 'new pods stay below half their fair rate',
      after: repeat({ ...even(OLD, 90), ...even(NEW, 20) }, 20),
    },
    { name: 'new pods never receive traffic', after: repeat({ ...even(OLD, 100), ...even(NEW, 0) }, 20) },
    { name: 'the proxy never discovers the new pods', after: repeat(even(OLD, 100), 20) },
    { name: 'the event comes at the very end (no full window after it)', after: repeat(even(ALL, 50), 1) },
  ])('never converges when $name: NaN, and the run metric is NaN', ({ after }) => {
    const figures = measure({ rows: [...beforeScale, ...after], events: [applied.scale(5000, 6)] });
    expect(figures[0]).toMatchObject({ action: 'scale', isScaleUp: true, convergenceMs: Number.NaN });
    expect(reduceEventMetrics(figures).convergence_ms).toBeNaN();
  });

  it('measures from when the scale started, not when the backend returned (pods found before that count)', () => {
    const scale = { ...applied.scale(5000, 6), appliedAtMs: 5800 };
    const after = [...repeat(even(OLD, 100), 2), ...repeat(even(ALL, 50), 18)];
    const [figures] = measure({ rows: [...beforeScale, ...after], events: [scale] });
    expect(figures).toMatchObject({ atMs: 5000, newHosts: NEW, convergenceMs: 500 });
  });

  it('is no scale-up when pods are removed: no figure, and it does not hide another scale-up', () => {
    const rows = [
      ...beforeScale,
      ...repeat(even(['a', 'b'], 150), 8),
      ...repeat({ a: 100, b: 100, d: 100 }, 12),
    ];
    const figures = measure({ rows, events: [applied.scale(5000, 2), applied.scale(7000, 3)] });
    expect(figures[0]).toMatchObject({ isScaleUp: false, newHosts: [], convergenceMs: Number.NaN });
    expect(figures[1]).toMatchObject({ isScaleUp: true, newHosts: ['d'], convergenceMs: 0 });
    expect(reduceEventMetrics(figures).convergence_ms).toBe(0);
  });
});

describe('removal after a kill', () => {
  // b is killed at 2 s; the proxy keeps it (0 requests: connections refused) until a refresh drops it.
  const rows = (listedAfterKill: number, total = 16): Record<string, number>[] => [
    ...repeat(even(OLD, 100), 8),
    ...repeat({ a: 150, b: 0, c: 150 }, listedAfterKill),
    ...repeat({ a: 150, c: 150 }, total - 8 - listedAfterKill),
  ];
  const ticks: ClientTick[] = [0, 0, 40, 7, 0].map((errors, index) => ({
    tMs: (index + 1) * 1000,
    responses: 1000,
    errors,
  }));

  it.each([
    { listedAfterKill: 0, removedMs: 250, errors: 40 },
    { listedAfterKill: 3, removedMs: 1000, errors: 40 },
    { listedAfterKill: 4, removedMs: 1250, errors: 47 },
  ])(
    'listed in $listedAfterKill samples after the kill: removed_traffic_ms $removedMs, errors_after_kill $errors',
    ({ listedAfterKill, removedMs, errors }) => {
      const figures = measure({ rows: rows(listedAfterKill), events: [applied.kill(2000, 'b')], ticks });
      expect(figures[0]).toMatchObject({
        action: 'kill',
        host: 'b',
        removedTrafficMs: removedMs,
        errorsAfterKill: errors,
      });
      expect(reduceEventMetrics(figures)).toMatchObject({
        removed_traffic_ms: removedMs,
        errors_after_kill: errors,
      });
    },
  );

  it('is NaN when the proxy still lists the pod at the end; errors count until the end', () => {
    const [figures] = measure({ rows: rows(8), events: [applied.kill(2000, 'b')], ticks });
    expect(figures).toMatchObject({ removedTrafficMs: Number.NaN, errorsAfterKill: 47 });
  });

  it.each([
    { name: 'the kill comes after the last sample', event: applied.kill(4000, 'b'), ticks },
    { name: 'the record does not name the killed pod', event: applied.kill(2000, undefined), ticks },
  ])('is NaN when $name', ({ event }) => {
    const [figures] = measure({ rows: rows(3), events: [event], ticks });
    expect(figures).toMatchObject({ removedTrafficMs: Number.NaN });
  });

  it('has no error count without client ticks (results from before they were recorded)', () => {
    const [figures] = measure({ rows: rows(3), events: [applied.kill(2000, 'b')] });
    expect(figures).toMatchObject({ removedTrafficMs: 1000, errorsAfterKill: Number.NaN });
  });

  it('reduces several kills to the worst of each figure', () => {
    const killed = (removedTrafficMs: number, errorsAfterKill: number): EventFigures => ({
      action: 'kill',
      atMs: 0,
      host: 'x',
      removedTrafficMs,
      errorsAfterKill,
      note: '',
    });
    expect(reduceEventMetrics([killed(500, 90), killed(1500, 20)])).toMatchObject({
      removed_traffic_ms: 1500,
      errors_after_kill: 90,
    });
  });
});

describe('shares around a slow event', () => {
  it('gives the slowed pod’s share before and after, split at the event and at the next one', () => {
    const rows = [
      ...repeat(even(OLD, 100), 4),
      ...repeat({ a: 20, b: 140, c: 140 }, 4),
      ...repeat({ a: 60, b: 120, c: 120 }, 4),
    ];
    const figures = measure({
      rows,
      events: [applied.slow(1000, 'a'), applied.slow(2000, 'b')],
      hosts: HOSTS_OLD,
    });
    expect(figures[0]).toMatchObject({ action: 'slow', host: 'a', shareBefore: 1 / 3, shareAfter: 20 / 300 });
    expect(figures[1]).toMatchObject({ host: 'b', shareBefore: 140 / 300, shareAfter: 120 / 300 });
    expect(reduceEventMetrics(figures)).toMatchObject({
      slow_share_before: 140 / 300,
      slow_share_after: 120 / 300,
    });
  });

  it('has no share after a slow event at the very end', () => {
    const [figures] = measure({
      rows: repeat(even(OLD, 100), 4),
      events: [applied.slow(1000, 'a')],
      hosts: HOSTS_OLD,
    });
    expect(figures).toMatchObject({ shareBefore: 1 / 3, shareAfter: Number.NaN });
  });
});

describe('a run without events', () => {
  it('has no figures and every event metric NaN', () => {
    const figures = measure({ rows: repeat(even(OLD, 100), 4), events: [] });
    expect(figures).toEqual([]);
    expect(Object.values(reduceEventMetrics(figures)).every(Number.isNaN)).toBe(true);
  });
});
