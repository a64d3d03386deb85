import type { ClientTick, HostRecord, TimelinePoint } from './types.js';

/** What the host records of a row without per-host counters are built from. */
export interface TallyHostsInput {
  /** Responses the client tallied per pod from `X-Upstream-Pod`. */
  readonly podTally: Readonly<Record<string, number>>;
  /** Every pod the run saw, by `ip:port`. */
  readonly podByAddress: ReadonlyMap<string, string>;
  /** Pods that were Ready at some point of the window: each gets a record, tallied or not. */
  readonly readyPods: readonly string[];
  /** Pods Ready when the measured window started, and when it ended. */
  readonly podsAtStart: ReadonlySet<string>;
  readonly podsAtEnd: ReadonlySet<string>;
}

/**
 * The host records of a row counted from the client's tally (CLUSTER_IP, a balancer without per-host counters):
 * one per pod that was Ready in the window or that the client tallied, `rq_total` = the responses carrying that pod's header. The other
 * counters are unknown to the client per pod and stay 0; the cross-check says the row had no proxy counters.
 * A tallied name that matches no pod of the run keeps its name as its address.
 */
export function buildTallyHosts(input: TallyHostsInput): HostRecord[] {
  const addressByPod = invert(input.podByAddress);
  const pods = new Set([...input.readyPods, ...Object.keys(input.podTally)]);
  return [...pods].map((pod) => {
    const count = input.podTally[pod] ?? 0;
    return {
      address: addressByPod.get(pod) ?? pod,
      pod,
      delta: { rq_total: count, rq_success: 0, rq_error: 0, rq_timeout: 0, cx_total: 0, cx_connect_fail: 0 },
      presentAtStart: input.podsAtStart.has(pod),
      presentAtEnd: input.podsAtEnd.has(pod),
      clientResponses: count,
    };
  });
}

/**
 * The per-host timeline of a row counted from the client's tally: each client tick's responses per pod header, keyed
 * by the pod's address as {@link buildTallyHosts} keys its hosts. Ticks without per-pod counts give empty points.
 */
export function buildTallyTimeline(
  ticks: readonly ClientTick[],
  podByAddress: ReadonlyMap<string, string>,
): TimelinePoint[] {
  const addressByPod = invert(podByAddress);
  return ticks.map((tick) => ({
    tMs: tick.tMs,
    rqTotal: Object.fromEntries(
      Object.entries(tick.byPod ?? {}).map(([pod, count]) => [addressByPod.get(pod) ?? pod, count]),
    ),
  }));
}

function invert(podByAddress: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...podByAddress].map(([address, pod]) => [pod, address]));
}
