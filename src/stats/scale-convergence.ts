import type { EventFigures } from './types.js';
import { isListed, sumAll, sumHost } from './timeline-intervals.js';
import type { TimelineInterval } from './timeline-intervals.js';

/** Length of the window a new pod's rate is judged over. */
export const CONVERGENCE_WINDOW_MS = 1000;
/** A new pod has converged once it gets at least this fraction of its fair rate. */
export const CONVERGENCE_FRACTION = 0.5;

/** A scale event and where to look for its new hosts. */
export interface ScaleConvergenceInput {
  readonly intervals: readonly TimelineInterval[];
  readonly atMs: number;
  /** Hosts in the proxy's host set before the event (at the start, or listed before it). */
  readonly knownBefore: ReadonlySet<string>;
  /** New hosts are those first listed before this time (the next scale event, or Infinity). */
  readonly untilMs: number;
  /** The event's replica count. */
  readonly replicas: number;
  /** Hosts in the proxy's set right before the event. */
  readonly hostsBefore: number;
}

type ScaleFigures = Extract<EventFigures, { action: 'scale' }>;

/**
 * Convergence after a scale-up: the new hosts are those that first entered the proxy's host set after the event.
 * A window is at least one second of whole sampling intervals; it has converged when every new host got at least
 * half its fair rate in it (the window's requests divided by the hosts listed in its last interval).
 * `convergenceMs` runs from the event to the middle of the first converged window, windows starting up to half a
 * window before the event: when a pod goes from nothing to its fair rate at one moment, the first window holding
 * half its fair share is the one centred on that moment, so this reads the time the pod reached its fair rate (at
 * the sampling resolution), and 0 when it had it at once. A host the proxy discovers later makes every earlier
 * window fail. NaN when no new host appeared, or no window converged before the measured window ended.
 */
export function measureScaleConvergence(input: ScaleConvergenceInput): ScaleFigures {
  const { intervals, atMs } = input;
  const newHosts = findNewHosts(input);
  const isScaleUp = newHosts.length > 0 || input.replicas > input.hostsBefore;
  const figures = (convergenceMs: number, note: string): ScaleFigures => ({
    action: 'scale',
    atMs,
    isScaleUp,
    newHosts,
    convergenceMs,
    note,
  });
  if (newHosts.length === 0) {
    return figures(
      Number.NaN,
      isScaleUp
        ? 'no new pod entered the proxy’s host set after the scale-up before the measured window ended'
        : 'not a scale-up: no pod to converge',
    );
  }
  const first = intervals.findIndex((interval) => interval.startMs >= atMs - CONVERGENCE_WINDOW_MS / 2);
  for (let start = Math.max(0, first); first !== -1 && start < intervals.length; start += 1) {
    const window = takeWindow(intervals, start);
    if (window === undefined) break;
    if (isConverged(window, newHosts)) {
      const midMs = ((window[0]?.startMs ?? atMs) + (window.at(-1)?.endMs ?? atMs)) / 2;
      return figures(
        Math.max(0, midMs - atMs),
        `${newHosts.length} new pod(s) at ≥ ${CONVERGENCE_FRACTION * 100}% of their fair rate by ${formatSeconds(Math.max(atMs, midMs))}`,
      );
    }
  }
  return figures(
    Number.NaN,
    `${newHosts.length} new pod(s) did not reach ${CONVERGENCE_FRACTION * 100}% of their fair rate over a one-second window before the measured window ended`,
  );
}

function findNewHosts(input: ScaleConvergenceInput): string[] {
  const seen = new Set(input.knownBefore);
  const found: string[] = [];
  for (const interval of input.intervals) {
    for (const address of Object.keys(interval.counts)) {
      const isAfter = interval.endMs > input.atMs && interval.endMs <= input.untilMs;
      if (isAfter && !seen.has(address)) found.push(address);
      seen.add(address);
    }
  }
  return found;
}

/** The intervals from `start` on that first span at least {@link CONVERGENCE_WINDOW_MS}; undefined if none do. */
function takeWindow(
  intervals: readonly TimelineInterval[],
  start: number,
): readonly TimelineInterval[] | undefined {
  const startMs = intervals[start]?.startMs ?? 0;
  const end = intervals.findIndex(
    (interval, index) => index >= start && interval.endMs - startMs >= CONVERGENCE_WINDOW_MS,
  );
  return end === -1 ? undefined : intervals.slice(start, end + 1);
}

function isConverged(window: readonly TimelineInterval[], newHosts: readonly string[]): boolean {
  const last = window.at(-1);
  const hostCount = last === undefined ? 0 : Object.keys(last.counts).length;
  const total = sumAll(window);
  if (hostCount === 0 || total === 0) return false;
  const fairShare = total / hostCount;
  return newHosts.every(
    (address) =>
      window.some((interval) => isListed(interval, address)) &&
      sumHost(window, address) >= CONVERGENCE_FRACTION * fairShare,
  );
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
