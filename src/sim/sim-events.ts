import { getFaultOf } from '../scenario/pod-behavior.js';
import type { PodFault, ScenarioEvent } from '../scenario/types.js';
import type { SimFleet } from './sim-fleet.js';

const PROXY_LAG = 'the proxy sees the change at its next DNS refresh';

/** What a scenario event acts on: the fleet, and the engine for what a dying pod takes with it. */
export interface SimEventTarget {
  readonly fleet: SimFleet;
  /**
   * Fails every request in flight on a pod that just died and drops its connections; closed-loop connections send
   * their next request at once. Returns how many requests failed.
   */
  failPod(podId: number, timeMs: number): number;
}

/**
 * Applies a scenario event to the fleet at simulated time `timeMs` and returns what happened, for the run's
 * event log. The DNS answer changes at once; the balancers see it only at the next refresh.
 */
export function applySimEvent(target: SimEventTarget, event: ScenarioEvent, timeMs: number): string {
  switch (event.action) {
    case 'scale':
      return `${target.fleet.scale(event.replicas)}; ${PROXY_LAG}`;
    case 'kill':
      return killPod(target, event.pod, timeMs);
    case 'slow':
      return slowPod(target.fleet, event.pod, event.delayMs);
    default:
      return setPodFault(target.fleet, event.pod, getFaultOf(event.action));
  }
}

const FAULT_DETAILS: Readonly<Record<PodFault, string>> = {
  fail: 'now answers 503 to every request it receives',
  hang: 'now holds every request it receives unanswered, until the client or the proxy route timeout gives up',
  none: 'recovered: it serves every request it receives from now on as the scenario planned',
};

/** A fault event: decided on arrival, so requests the pod already holds end as they would have. */
function setPodFault(fleet: SimFleet, index: number, fault: PodFault): string {
  const pod = fleet.member(index);
  if (pod === undefined) return `no pod at index ${index}; nothing changed`;
  if (!pod.isAlive) return `${pod.name} is not running (killed); nothing changed`;
  pod.fault = fault;
  return `${pod.name} (${pod.address}) ${FAULT_DETAILS[fault]}`;
}

/**
 * Kills the member at `index`: its requests in flight fail at once with a 503 (counted in `rq_error`; the
 * connection was reset before the response), its connections are gone, and until the next DNS refresh the
 * proxy's new requests to it are refused (503, `cx_connect_fail`).
 */
function killPod(target: SimEventTarget, index: number, timeMs: number): string {
  const pod = target.fleet.member(index);
  if (pod === undefined) return `no pod at index ${index}; nothing changed`;
  if (!pod.isAlive) return `${pod.name} was already dead; nothing changed`;
  pod.isAlive = false;
  const failed = target.failPod(pod.id, timeMs);
  return `killed ${pod.name} (${pod.address}): ${failed} request(s) in flight failed; it left the DNS answer, ${PROXY_LAG}`;
}

function slowPod(fleet: SimFleet, index: number, delayMs: number): string {
  const pod = fleet.member(index);
  if (pod === undefined) return `no pod at index ${index}; nothing changed`;
  if (!pod.isAlive) return `${pod.name} is not running (killed); nothing changed`;
  pod.behavior = { ...pod.behavior, delayMs };
  return `${pod.name} (${pod.address}) now adds ${delayMs} ms to every request it receives from now on`;
}
