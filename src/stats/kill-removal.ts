import type { ClientTick } from '../results/types.js';
import { isListed } from './timeline-intervals.js';
import type { TimelineInterval } from './timeline-intervals.js';
import type { EventFigures } from './types.js';

/** A kill event, the killed host and the client's ticks. */
export interface KillRemovalInput {
  readonly intervals: readonly TimelineInterval[];
  readonly atMs: number;
  /** The killed pod's address; undefined when the record does not say which pod was killed. */
  readonly host: string | undefined;
  /** The load generator's ticks; undefined in results that did not record them. */
  readonly ticks: readonly ClientTick[] | undefined;
  /** Why `host` is undefined, for the note. */
  readonly missingHost: string;
}

type KillFigures = Extract<EventFigures, { action: 'kill' }>;

/**
 * What a kill cost until the proxy let go of the pod. The proxy routes to a host for as long as it is in its host
 * set, and a dead pod's host stays there until the next DNS refresh drops it (Envoy's STRICT_DNS,
 * source/extensions/clusters/strict_dns/strict_dns_cluster.cc): `removedTrafficMs` runs from the kill to the end
 * of the first interval from which no sample lists the host, an upper bound within one sampling interval.
 * `errorsAfterKill` adds the client's failed requests in every tick that overlaps the kill and that moment (to the
 * window's end when the host was never removed), so it also counts a tick's errors just before the kill.
 */
export function measureKillRemoval(input: KillRemovalInput): KillFigures {
  const { intervals, atMs, host } = input;
  if (host === undefined) {
    return describeUnknown(atMs, input.missingHost, undefined);
  }
  const after = intervals.filter((interval) => interval.endMs > atMs);
  if (after.length === 0) return describeUnknown(atMs, 'no sample was taken after the kill', host);
  const lastListed = after.findLastIndex((interval) => isListed(interval, host));
  const removedAt = lastListed === -1 ? after[0] : after[lastListed + 1];
  const endMs = removedAt?.endMs ?? intervals.at(-1)?.endMs ?? atMs;
  const errorsAfterKill = countErrors(input.ticks, atMs, endMs);
  if (removedAt === undefined) {
    return {
      action: 'kill',
      atMs,
      host,
      removedTrafficMs: Number.NaN,
      errorsAfterKill,
      note: `the proxy still listed ${host} at the end of the measured window`,
    };
  }
  return {
    action: 'kill',
    atMs,
    host,
    removedTrafficMs: removedAt.endMs - atMs,
    errorsAfterKill,
    note: `${host} left the proxy’s host set by ${(removedAt.endMs / 1000).toFixed(2)} s`,
  };
}

function countErrors(ticks: readonly ClientTick[] | undefined, fromMs: number, toMs: number): number {
  if (ticks === undefined) return Number.NaN;
  let startMs = 0;
  let errors = 0;
  for (const tick of ticks) {
    if (tick.tMs > fromMs && startMs < toMs) errors += tick.errors;
    startMs = tick.tMs;
  }
  return errors;
}

function describeUnknown(atMs: number, note: string, host: string | undefined): KillFigures {
  return {
    action: 'kill',
    atMs,
    host,
    removedTrafficMs: Number.NaN,
    errorsAfterKill: Number.NaN,
    note,
  };
}
