import { selectSpan, sumAll, sumHost } from './timeline-intervals.js';
import type { TimelineInterval } from './timeline-intervals.js';
import type { FaultAction } from '../scenario/types.js';
import type { EventFigures } from './types.js';

/** A slow event, the slowed host and the events around it. */
export interface SlowShareInput {
  /** A slow event, or a fault event (fail, hang, recover): both are measured by the pod's share around them. */
  readonly action: SlowFigures['action'];
  readonly intervals: readonly TimelineInterval[];
  readonly atMs: number;
  readonly host: string | undefined;
  /** The previous event's time (or 0) and the next one's (or Infinity): the spans stop at other events. */
  readonly previousAtMs: number;
  readonly nextAtMs: number;
  /** Why `host` is undefined, for the note. */
  readonly missingHost: string;
}

type SlowFigures = Extract<EventFigures, { action: 'slow' | FaultAction }>;

/**
 * The slowed pod's share of all requests before the event (since the previous event or the start) and after it
 * (until the next event or the end), from the timeline's intervals assigned to each side by their midpoint.
 * NaN for a side without requests, or when the record does not say which pod was slowed.
 */
export function measureSlowShare(input: SlowShareInput): SlowFigures {
  const { intervals, atMs, host } = input;
  if (host === undefined) {
    return {
      action: input.action,
      atMs,
      host,
      shareBefore: Number.NaN,
      shareAfter: Number.NaN,
      note: input.missingHost,
    };
  }
  const shareBefore = computeShare(selectSpan(intervals, input.previousAtMs, atMs), host);
  const shareAfter = computeShare(selectSpan(intervals, atMs, input.nextAtMs), host);
  return {
    action: input.action,
    atMs,
    host,
    shareBefore,
    shareAfter,
    note: `${host}: ${formatShare(shareBefore)} of requests before, ${formatShare(shareAfter)} after`,
  };
}

function computeShare(intervals: readonly TimelineInterval[], host: string): number {
  const total = sumAll(intervals);
  return total === 0 ? Number.NaN : sumHost(intervals, host) / total;
}

function formatShare(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : 'n/a';
}
