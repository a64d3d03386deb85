import type { TimelinePoint } from '../results/types.js';

/** One sampling interval of a run's timeline: `(startMs, endMs]` and the requests each listed host got in it. */
export interface TimelineInterval {
  readonly startMs: number;
  readonly endMs: number;
  /** `rq_total` increase per host address; a host in the proxy's host set is listed even with 0. */
  readonly counts: Readonly<Record<string, number>>;
}

/** The timeline as intervals: each point closes the interval that began at the previous point (or at 0). */
export function toIntervals(timeline: readonly TimelinePoint[]): TimelineInterval[] {
  let previousMs = 0;
  return timeline.map((point) => {
    const interval = { startMs: previousMs, endMs: point.tMs, counts: point.rqTotal };
    previousMs = point.tMs;
    return interval;
  });
}

/** Whether the interval lists the host, i.e. the host was in the proxy's host set (or got requests) then. */
export function isListed(interval: TimelineInterval, address: string): boolean {
  return Object.hasOwn(interval.counts, address);
}

/** Requests of one host over intervals. */
export function sumHost(intervals: readonly TimelineInterval[], address: string): number {
  return intervals.reduce((sum, interval) => sum + (interval.counts[address] ?? 0), 0);
}

/** Requests of every host over intervals. */
export function sumAll(intervals: readonly TimelineInterval[]): number {
  return intervals.reduce(
    (sum, interval) => sum + Object.values(interval.counts).reduce((acc, count) => acc + count, 0),
    0,
  );
}

/**
 * Intervals assigned to the span `(fromMs, toMs]` by their midpoint: an interval that straddles an event belongs to
 * the side where most of it lies, so a span's figures never mix two sides of an event by more than half a sample.
 */
export function selectSpan(
  intervals: readonly TimelineInterval[],
  fromMs: number,
  toMs: number,
): TimelineInterval[] {
  return intervals.filter((interval) => {
    const midMs = (interval.startMs + interval.endMs) / 2;
    return midMs > fromMs && midMs <= toMs;
  });
}
