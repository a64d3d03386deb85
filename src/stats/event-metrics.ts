import type { AppliedEvent, ClientTick, HostRecord, TimelinePoint } from '../results/types.js';
import { measureKillRemoval } from './kill-removal.js';
import { measureScaleConvergence } from './scale-convergence.js';
import { measureSlowShare } from './slow-share.js';
import { toIntervals } from './timeline-intervals.js';
import type { TimelineInterval } from './timeline-intervals.js';
import type { EventFigures, EventMetricName } from './types.js';

/** What the event figures are computed from: a run's timeline, hosts, applied events and client ticks. */
export interface EventFiguresInput {
  readonly timeline: readonly TimelinePoint[];
  readonly hosts: readonly HostRecord[];
  readonly events: readonly AppliedEvent[];
  readonly ticks: readonly ClientTick[] | undefined;
}

/**
 * Each applied event's figures, in the order of `events`. An event is measured from when the harness started
 * applying it: its scheduled `atMs`, or the end of the event before when that ran late. Not from `appliedAtMs`,
 * when the backend returned: a scale returns once the new pods are Ready, and the proxy may have found some by then.
 */
export function computeEventFigures(input: EventFiguresInput): EventFigures[] {
  const intervals = toIntervals(input.timeline);
  const hostsAtStart = input.hosts.filter((host) => host.presentAtStart).map((host) => host.address);
  const times = input.events.map((event, index) =>
    Math.max(event.atMs, input.events[index - 1]?.appliedAtMs ?? 0),
  );
  return input.events.map((event, index): EventFigures => {
    const atMs = times[index] ?? event.atMs;
    const host = findHostOf(input.hosts, event.podName);
    const missingHost =
      event.podName === undefined
        ? 'the record does not name the pod'
        : `${event.podName} has no host in this run (never in the proxy’s host set during the window)`;
    switch (event.action) {
      case 'scale':
        return measureScaleConvergence({
          intervals,
          atMs,
          knownBefore: collectKnownBefore(intervals, hostsAtStart, atMs),
          untilMs: findNextScaleMs(input.events, index),
          replicas: event.replicas,
          hostsBefore: countHostsBefore(intervals, hostsAtStart, atMs),
        });
      case 'kill':
        return measureKillRemoval({ intervals, atMs, host, ticks: input.ticks, missingHost });
      default:
        return measureSlowShare({
          action: event.action,
          intervals,
          atMs,
          host,
          previousAtMs: times[index - 1] ?? 0,
          nextAtMs: times[index + 1] ?? Infinity,
          missingHost,
        });
    }
  });
}

/** The address of a named pod; undefined when the name is missing or the pod has no host in the record. */
function findHostOf(hosts: readonly HostRecord[], podName: string | undefined): string | undefined {
  return podName === undefined ? undefined : hosts.find((host) => host.pod === podName)?.address;
}

function collectKnownBefore(
  intervals: readonly TimelineInterval[],
  hostsAtStart: readonly string[],
  atMs: number,
): Set<string> {
  const known = new Set(hostsAtStart);
  for (const interval of intervals) {
    if (interval.endMs > atMs) break;
    for (const address of Object.keys(interval.counts)) known.add(address);
  }
  return known;
}

/** Hosts listed in the last interval that ended by `atMs`, else the hosts at the start. */
function countHostsBefore(
  intervals: readonly TimelineInterval[],
  hostsAtStart: readonly string[],
  atMs: number,
): number {
  const last = intervals.findLast((interval) => interval.endMs <= atMs);
  return last === undefined ? hostsAtStart.length : Object.keys(last.counts).length;
}

function findNextScaleMs(events: readonly AppliedEvent[], index: number): number {
  return events.slice(index + 1).find((event) => event.action === 'scale')?.atMs ?? Infinity;
}

/** Why an event metric may have no value, for a gate that cannot be evaluated. */
export const EVENT_METRIC_ABSENCE: Readonly<Record<EventMetricName, string>> = {
  convergence_ms:
    'a repetition had no scale-up event, or its new pods never got half their fair rate over one second in the measured window',
  errors_after_kill: 'a repetition had no kill event, or the record does not name the killed pod',
  removed_traffic_ms:
    'a repetition had no kill event, or the proxy still listed the killed pod when the measured window ended',
  slow_share_before: 'a repetition had no slow event, or no requests before it',
  slow_share_after: 'a repetition had no slow event, or no requests after it',
};

/**
 * A run's event metrics: the worst event of each kind. `convergence_ms` is the longest convergence of its
 * scale-ups that added pods, `errors_after_kill` and `removed_traffic_ms` the largest over its kills, and
 * `slow_share_before`/`slow_share_after` come from the slow event whose pod kept the largest share afterwards.
 * NaN when the run had no event of the kind, or when any event of the kind has NaN (not reached): a worst case
 * cannot be told then.
 */
export function reduceEventMetrics(figures: readonly EventFigures[]): Record<EventMetricName, number> {
  const scaleUps = figures.flatMap((f) => (f.action === 'scale' && f.isScaleUp ? [f] : []));
  const kills = figures.flatMap((f) => (f.action === 'kill' ? [f] : []));
  const slows = figures.flatMap((f) => (f.action === 'slow' ? [f] : []));
  const worstSlow = findWorst(slows.map((slow) => slow.shareAfter));
  const slowIndex = slows.findIndex((slow) => slow.shareAfter === worstSlow);
  return {
    convergence_ms: findWorst(scaleUps.map((scale) => scale.convergenceMs)),
    errors_after_kill: findWorst(kills.map((kill) => kill.errorsAfterKill)),
    removed_traffic_ms: findWorst(kills.map((kill) => kill.removedTrafficMs)),
    slow_share_before: slows[slowIndex]?.shareBefore ?? Number.NaN,
    slow_share_after: worstSlow,
  };
}

/** The largest value; NaN for none or when any value is not a finite number. */
function findWorst(values: readonly number[]): number {
  if (values.length === 0 || !values.every(Number.isFinite)) return Number.NaN;
  return Math.max(...values);
}
