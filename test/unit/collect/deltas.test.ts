import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeHostDeltas, DELTA_COUNTER_NAMES } from '../../../src/collect/deltas.js';
import type { ClustersSnapshot, HostCounters } from '../../../src/collect/types.js';
import type { HostDelta } from '../../../src/results/types.js';

const CLUSTER = 'myapp_cluster';

/** A snapshot of CLUSTER where each host is given by its rq_total (other counters derived from it). */
function snap(takenAtMs: number, hosts: Record<string, number>, cluster = CLUSTER): ClustersSnapshot {
  return {
    takenAtMs,
    clusters: [
      {
        name: cluster,
        hosts: Object.entries(hosts).map(([address, rqTotal]) => ({
          address,
          hostname: 'myapp',
          healthFlags: [],
          weight: 1,
          counters: counters(rqTotal),
        })),
      },
    ],
  };
}

function counters(rqTotal: number): HostCounters {
  return {
    cx_active: 1,
    cx_connect_fail: 0,
    cx_total: Math.ceil(rqTotal / 10),
    rq_active: 0,
    rq_error: 0,
    rq_success: rqTotal,
    rq_timeout: 0,
    rq_total: rqTotal,
  };
}

const rqTotals = (snapshots: readonly ClustersSnapshot[]): Record<string, number> =>
  Object.fromEntries(
    computeHostDeltas(snapshots, { clusterName: CLUSTER }).hosts.map((h) => [h.address, h.delta.rq_total]),
  );

describe('computeHostDeltas', () => {
  it('subtracts the start from the end for hosts present throughout and builds the timeline', () => {
    const result = computeHostDeltas(
      [snap(1000, { a: 100, b: 50 }), snap(2000, { a: 110, b: 58 }), snap(3000, { a: 125, b: 60 })],
      { clusterName: CLUSTER },
    );
    expect(result.hosts).toEqual([
      {
        address: 'a',
        pod: undefined,
        delta: { rq_total: 25, rq_success: 25, rq_error: 0, rq_timeout: 0, cx_total: 3, cx_connect_fail: 0 },
        presentAtStart: true,
        presentAtEnd: true,
        clientResponses: 0,
      },
      {
        address: 'b',
        pod: undefined,
        delta: { rq_total: 10, rq_success: 10, rq_error: 0, rq_timeout: 0, cx_total: 1, cx_connect_fail: 0 },
        presentAtStart: true,
        presentAtEnd: true,
        clientResponses: 0,
      },
    ]);
    expect(result.timeline).toEqual([
      { tMs: 1000, rqTotal: { a: 10, b: 8 } },
      { tMs: 2000, rqTotal: { a: 15, b: 2 } },
    ]);
  });

  it.each([
    [
      'a host that appears mid-window counts from 0',
      [{ a: 10 }, { a: 20, b: 7 }, { a: 30, b: 12 }],
      { a: 20, b: 12 },
    ],
    [
      'a host that vanishes keeps what it had counted',
      [{ a: 10, b: 5 }, { a: 20, b: 9 }, { a: 30 }],
      { a: 20, b: 4 },
    ],
    ['a host whose counters went down is a new incarnation', [{ a: 100 }, { a: 120 }, { a: 6 }], { a: 26 }],
    ['a host that comes back after being absent restarted at 0', [{ a: 100 }, {}, { a: 130 }], { a: 130 }],
    [
      'a host gone and back with counters below the old ones',
      [{ a: 100 }, { a: 150 }, {}, { a: 4 }, { a: 9 }],
      { a: 59 },
    ],
  ])('%s', (_, series, expected) => {
    expect(rqTotals(series.map((hosts, i) => snap(i * 1000, hosts)))).toEqual(expected);
  });

  it('sets presentAtStart/End and fills pod and clientResponses from the caller’s maps', () => {
    const result = computeHostDeltas([snap(0, { a: 1, b: 1 }), snap(1000, { b: 3, c: 4 })], {
      clusterName: CLUSTER,
      podByAddress: new Map([
        ['a', 'myapp-a'],
        ['c', 'myapp-c'],
      ]),
      clientResponsesByPod: { 'myapp-c': 4 },
    });
    expect(
      result.hosts.map((h) => [h.address, h.pod, h.presentAtStart, h.presentAtEnd, h.clientResponses]),
    ).toEqual([
      ['a', 'myapp-a', true, false, 0],
      ['b', undefined, true, true, 0],
      ['c', 'myapp-c', false, true, 4],
    ]);
  });

  it('treats a snapshot without the cluster as one without hosts, and ignores other clusters', () => {
    const other = snap(1000, { a: 999 }, 'other_cluster');
    expect(rqTotals([snap(0, { a: 10 }), other, snap(2000, { a: 15 })])).toEqual({ a: 15 });
  });

  it('sums two hosts with the same address in one snapshot', () => {
    const doubled: ClustersSnapshot = {
      takenAtMs: 1000,
      clusters: [
        {
          name: CLUSTER,
          hosts: [...snap(0, { a: 5 }).clusters[0]!.hosts, ...snap(0, { a: 7 }).clusters[0]!.hosts],
        },
      ],
    };
    expect(rqTotals([snap(0, { a: 10 }), doubled])).toEqual({ a: 2 });
  });

  it('returns nothing for no snapshots and zero deltas for one', () => {
    expect(computeHostDeltas([], { clusterName: CLUSTER })).toEqual({ hosts: [], timeline: [] });
    const one = computeHostDeltas([snap(0, { a: 10 })], { clusterName: CLUSTER });
    expect(one.timeline).toEqual([]);
    expect(one.hosts[0]!.delta.rq_total).toBe(0);
  });
});

describe('computeHostDeltas properties', () => {
  const address = fc.constantFrom('10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '[::1]:80');
  /** Arbitrary snapshot series: hosts come and go and counters may restart. */
  const seriesArb = fc.array(fc.dictionary(address, fc.nat({ max: 10_000 }), { maxKeys: 4 }), {
    minLength: 1,
    maxLength: 8,
  });

  it('never produces a negative delta, and the timeline adds up to each host’s rq_total delta', () => {
    fc.assert(
      fc.property(seriesArb, (series) => {
        const snapshots = series.map((hosts, i) => snap(i * 1000, hosts));
        const { hosts, timeline } = computeHostDeltas(snapshots, { clusterName: CLUSTER });
        for (const host of hosts) {
          for (const name of DELTA_COUNTER_NAMES) {
            expect(host.delta[name]).toBeGreaterThanOrEqual(0);
          }
          const timelineSum = timeline.reduce((sum, point) => sum + (point.rqTotal[host.address] ?? 0), 0);
          expect(timelineSum).toBe(host.delta.rq_total);
        }
        expect(timeline.every((point) => Object.values(point.rqTotal).every((n) => n >= 0))).toBe(true);
      }),
    );
  });

  it('gives end minus start for hosts present throughout with counters that only grow', () => {
    const growing = fc
      .tuple(fc.nat({ max: 1000 }), fc.array(fc.nat({ max: 500 }), { minLength: 1, maxLength: 8 }))
      .map(([start, steps]) => steps.reduce<number[]>((acc, step) => [...acc, acc.at(-1)! + step], [start]));
    fc.assert(
      fc.property(growing, growing, (a, b) => {
        const length = Math.min(a.length, b.length);
        const snapshots = Array.from({ length }, (_, i) => snap(i * 1000, { a: a[i]!, b: b[i]! }));
        const { hosts, timeline } = computeHostDeltas(snapshots, { clusterName: CLUSTER });
        const delta = (address: string): HostDelta => hosts.find((h) => h.address === address)!.delta;
        expect(delta('a').rq_total).toBe(a[length - 1]! - a[0]!);
        expect(delta('b').rq_success).toBe(b[length - 1]! - b[0]!);
        expect(timeline.reduce((sum, point) => sum + point.rqTotal['a']!, 0)).toBe(a[length - 1]! - a[0]!);
      }),
    );
  });
});
