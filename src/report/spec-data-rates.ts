import type { ResultsFile, RunRecord } from '../results/types.js';
import { compareLabels } from './format.js';
import { numberRepetition, sortRuns } from './run-status.js';
import { getHostLabel } from './spec-data.js';

/** A cell of the time × pod heatmap. */
export interface RateCell {
  readonly kind: 'cell';
  readonly run: string;
  readonly pod: string;
  readonly tStartS: number;
  readonly tEndS: number;
  readonly requests: number;
  readonly rateRps: number;
}

/** Returns the label of a run in charts: the policy, plus the repetition when a policy has several. */
export function getRunLabel(run: RunRecord, repetitions: number): string {
  return repetitions > 1 ? `${run.row} · rep ${numberRepetition(run)}` : run.row;
}

/** Labels of the runs in chart order, one per run. */
export function listRunLabels(results: ResultsFile): { readonly run: RunRecord; readonly label: string }[] {
  const runs = sortRuns(results);
  return runs.map((run) => ({
    run,
    label: getRunLabel(run, runs.filter((other) => other.row === run.row).length),
  }));
}

/**
 * Request rate per pod per sampling interval, for every run, from the /clusters timeline. The last snapshot is
 * taken after the load stopped (a live run drains, then reads /clusters once more), so the last interval holds
 * traffic for only part of its span: it is drawn up to when its requests would have been sent at the previous
 * interval's total rate (never past its own end), and left out when it holds no request at all. A near-empty
 * last column would otherwise read as a pod that lost its traffic.
 */
export function buildRateCells(results: ResultsFile): readonly RateCell[] {
  return listRunLabels(results).flatMap(({ run, label }) => {
    const podByAddress = new Map(run.hosts.map((host) => [host.address, getHostLabel(host)]));
    return trimTail(toCellIntervals(run.timeline)).flatMap((interval) => {
      const spanS = (interval.endMs - interval.startMs) / 1000;
      if (spanS <= 0) {
        return [];
      }
      return Object.keys(interval.counts)
        .sort(compareLabels)
        .map((address) => {
          const requests = interval.counts[address] ?? 0;
          return {
            kind: 'cell' as const,
            run: label,
            pod: podByAddress.get(address) ?? address,
            tStartS: interval.startMs / 1000,
            tEndS: interval.endMs / 1000,
            requests,
            rateRps: requests / spanS,
          };
        });
    });
  });
}

interface CellInterval {
  readonly startMs: number;
  readonly endMs: number;
  readonly counts: Readonly<Record<string, number>>;
}

function toCellIntervals(timeline: RunRecord['timeline']): CellInterval[] {
  let previousMs = 0;
  return timeline.map((point) => {
    const interval = { startMs: previousMs, endMs: point.tMs, counts: point.rqTotal };
    previousMs = point.tMs;
    return interval;
  });
}

function trimTail(intervals: readonly CellInterval[]): readonly CellInterval[] {
  const last = intervals.at(-1);
  const previous = intervals.at(-2);
  if (last === undefined || previous === undefined) return intervals;
  const sumOf = (interval: CellInterval): number =>
    Object.values(interval.counts).reduce((sum, count) => sum + count, 0);
  const previousRate = sumOf(previous) / (previous.endMs - previous.startMs);
  if (!(previousRate > 0)) return intervals;
  const requests = sumOf(last);
  if (requests === 0) return intervals.slice(0, -1);
  const spanMs = Math.min(last.endMs - last.startMs, requests / previousRate);
  return [...intervals.slice(0, -1), { ...last, endMs: last.startMs + spanMs }];
}
