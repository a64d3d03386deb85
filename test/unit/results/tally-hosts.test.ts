import { describe, expect, it } from 'vitest';
import { buildTallyHosts, buildTallyTimeline } from '../../../src/results/tally-hosts.js';

const podByAddress = new Map([
  ['10.0.0.1:80', 'pod-1'],
  ['10.0.0.2:80', 'pod-2'],
  ['10.0.0.3:80', 'pod-3'],
]);

describe('buildTallyHosts', () => {
  it('gives every pod Ready in the window a host with its tallied responses, and keeps unknown tallied names', () => {
    const hosts = buildTallyHosts({
      podTally: { 'pod-1': 7, 'pod-2': 3, stranger: 1 },
      podByAddress,
      readyPods: ['pod-1', 'pod-2', 'pod-3'],
      podsAtStart: new Set(['pod-1', 'pod-2', 'pod-3']),
      podsAtEnd: new Set(['pod-1', 'pod-3']),
    });
    expect(hosts.map((host) => [host.address, host.pod, host.delta.rq_total, host.presentAtEnd])).toEqual([
      ['10.0.0.1:80', 'pod-1', 7, true],
      ['10.0.0.2:80', 'pod-2', 3, false],
      ['10.0.0.3:80', 'pod-3', 0, true],
      ['stranger', 'stranger', 1, false],
    ]);
    expect(hosts[0]?.delta).toEqual({
      rq_total: 7,
      rq_success: 0,
      rq_error: 0,
      rq_timeout: 0,
      cx_total: 0,
      cx_connect_fail: 0,
    });
  });
});

describe('buildTallyTimeline', () => {
  it("keys each client tick's per-pod responses by the pod's address", () => {
    expect(
      buildTallyTimeline(
        [
          { tMs: 1000, responses: 5, errors: 0, byPod: { 'pod-1': 3, 'pod-2': 2 } },
          { tMs: 2000, responses: 0, errors: 0 },
        ],
        podByAddress,
      ),
    ).toEqual([
      { tMs: 1000, rqTotal: { '10.0.0.1:80': 3, '10.0.0.2:80': 2 } },
      { tMs: 2000, rqTotal: {} },
    ]);
  });
});
