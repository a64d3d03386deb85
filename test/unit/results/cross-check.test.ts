import { describe, expect, it } from 'vitest';
import type { HostRecord, LoadRecord } from '../../../src/results/types.js';
import { collectPodCounts } from '../../../src/results/pod-counts.js';
import { computeCrossCheck } from '../../../src/results/cross-check.js';

const host = (pod: string | undefined, rqTotal: number, rqSuccess = rqTotal): HostRecord => ({
  address: `10.0.0.${rqTotal}:80`,
  pod,
  delta: {
    rq_total: rqTotal,
    rq_success: rqSuccess,
    rq_error: rqTotal - rqSuccess,
    rq_timeout: 0,
    cx_total: 1,
    cx_connect_fail: 0,
  },
  presentAtStart: true,
  presentAtEnd: true,
  clientResponses: rqSuccess,
});

const load = (fields: Partial<LoadRecord>): LoadRecord =>
  ({
    responses: 30,
    status2xx: 30,
    non2xx: 0,
    untallied: 0,
    podTally: { a: 10, b: 20 },
    ...fields,
  }) as LoadRecord;

describe('computeCrossCheck', () => {
  it('is consistent when proxy and client agree exactly', () => {
    expect(computeCrossCheck([host('a', 10), host('b', 20)], load({}), 'envoy-clusters')).toEqual({
      counters: 'envoy-clusters',
      proxyRqTotal: 30,
      proxyRqSuccess: 30,
      client2xx: 30,
      clientHeaderTally: 30,
      isConsistent: true,
      notes: [],
    });
  });

  it('explains every difference instead of hiding it', () => {
    const check = computeCrossCheck(
      [host('a', 12, 10), host('b', 20)],
      load({ responses: 33, status2xx: 30, non2xx: 3, untallied: 3, podTally: { a: 10, b: 19 } }),
      'envoy-clusters',
    );
    expect(check.isConsistent).toBe(false);
    expect(check.notes).toEqual([
      expect.stringContaining('client got 1 more response(s) than the proxy forwarded'),
      expect.stringContaining('1 2xx response(s) carried no known X-Upstream-Pod header'),
      expect.stringContaining("3 response(s) had no pod header, e.g. the proxy's own 503/504 replies"),
    ]);
  });

  it('has no proxy view for a row counted from the client tally, and checks only the tally against the 2xx', () => {
    const hosts = [host('a', 999), host('b', 999)];
    const consistent = computeCrossCheck(hosts, load({}), 'client-tally');
    expect(consistent).toEqual({
      counters: 'client-tally',
      proxyRqTotal: undefined,
      proxyRqSuccess: undefined,
      client2xx: 30,
      clientHeaderTally: 30,
      isConsistent: true,
      notes: [],
    });
    const missingHeader = computeCrossCheck(hosts, load({ podTally: { a: 10, b: 19 } }), 'client-tally');
    expect(missingHeader.notes).toEqual([
      expect.stringContaining('1 2xx response(s) carried no known X-Upstream-Pod'),
    ]);
  });
});

describe('collectPodCounts', () => {
  it('counts zero-hit Ready pods and adds up hosts of the same pod', () => {
    expect(collectPodCounts([host('a', 10), host('a', 5), host(undefined, 7)], ['a', 'idle'])).toEqual({
      labels: ['a', 'idle', '10.0.0.7:80'],
      counts: [15, 0, 7],
    });
  });
});
