import type { AppliedEvent, HostRecord, TimelinePoint } from '../../../src/results/types.js';

/** A timeline of equal intervals: `rows[i]` lists each host's requests in interval i (omit a host = not in the set). */
export function buildTimeline(
  intervalMs: number,
  rows: readonly Readonly<Record<string, number>>[],
): TimelinePoint[] {
  return rows.map((rqTotal, index) => ({ tMs: (index + 1) * intervalMs, rqTotal }));
}

/** A host record; the address doubles as the pod name unless one is given. */
export function buildHost(address: string, presentAtStart: boolean, pod = address): HostRecord {
  return {
    address,
    pod,
    delta: { rq_total: 0, rq_success: 0, rq_error: 0, rq_timeout: 0, cx_total: 0, cx_connect_fail: 0 },
    presentAtStart,
    presentAtEnd: true,
    clientResponses: 0,
  };
}

/** A row where every given host got `count` requests. */
export function even(hosts: readonly string[], count: number): Record<string, number> {
  return Object.fromEntries(hosts.map((host) => [host, count]));
}

/** Repeats a row. */
export function repeat<T>(row: T, times: number): T[] {
  return Array.from({ length: times }, () => row);
}

/** Applied-event builders. */
export const applied = {
  scale: (atMs: number, replicas: number): AppliedEvent => ({
    atMs,
    action: 'scale',
    replicas,
    appliedAtMs: atMs,
    detail: '',
  }),
  kill: (atMs: number, podName: string | undefined): AppliedEvent => ({
    atMs,
    action: 'kill',
    pod: 1,
    appliedAtMs: atMs,
    detail: '',
    ...(podName === undefined ? {} : { podName }),
  }),
  slow: (atMs: number, podName: string): AppliedEvent => ({
    atMs,
    action: 'slow',
    pod: 0,
    delayMs: 50,
    appliedAtMs: atMs,
    detail: '',
    podName,
  }),
};
