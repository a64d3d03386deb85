import type { ScenarioEvent } from '../scenario/types.js';
import { OUTCOME, SLOT_STATE } from './request-slots.js';
import type { SimEngine } from './sim-engine.js';

const PROXY_LAG = 'the proxy sees the change at its next DNS refresh';

/**
 * Applies a scenario event to the fleet at simulated time `timeMs` and returns what happened, for the run's
 * event log. The DNS answer changes at once; the balancers see it only at the next refresh.
 */
export function applySimEvent(engine: SimEngine, event: ScenarioEvent, timeMs: number): string {
  switch (event.action) {
    case 'scale':
      return `${engine.fleet.scale(event.replicas)}; ${PROXY_LAG}`;
    case 'kill':
      return killPod(engine, event.pod, timeMs);
    case 'slow':
      return slowPod(engine, event.pod, event.delayMs);
  }
}

/**
 * Kills the member at `index`: its requests in flight fail at once with a 503 (counted in `rq_error`; the
 * connection was reset before the response), its connections are gone, and until the next DNS refresh the
 * proxy's new requests to it are refused (503, `cx_connect_fail`). Closed-loop connections send their next
 * request right away.
 */
function killPod(engine: SimEngine, index: number, timeMs: number): string {
  const pod = engine.fleet.member(index);
  if (pod === undefined) return `no pod at index ${index}; nothing changed`;
  if (!pod.isAlive) return `${pod.name} was already dead; nothing changed`;
  pod.isAlive = false;
  engine.podAlive[pod.id] = 0;
  const connections = failRequestsInFlight(engine, pod.id, timeMs);
  for (let worker = 0; worker < engine.workerStates.length; worker += 1) {
    engine.poolOpen[worker * engine.maxPods + pod.id] = 0;
    engine.poolBusy[worker * engine.maxPods + pod.id] = 0;
  }
  if (!engine.isOpenLoop) for (const connection of connections) engine.dispatch(connection, timeMs);
  return `killed ${pod.name} (${pod.address}): ${connections.length} request(s) in flight failed; it left the DNS answer, ${PROXY_LAG}`;
}

/** Ends every request in flight on `podId` as a failure; returns their client connections in slot order. */
function failRequestsInFlight(engine: SimEngine, podId: number, timeMs: number): number[] {
  const { slots } = engine;
  const connections: number[] = [];
  for (let slot = 0; slot < slots.highWater; slot += 1) {
    const outcome = slots.outcome[slot];
    const isOnPod = slots.state[slot] === SLOT_STATE.active && slots.pod[slot] === podId;
    if (!isOnPod || (outcome !== OUTCOME.success && outcome !== OUTCOME.timeout)) continue;
    // The slot stays `ended` until its queued completion comes out of the queue and frees it.
    slots.state[slot] = SLOT_STATE.ended;
    engine.pending -= 1;
    engine.podActive[podId] = (engine.podActive[podId] ?? 1) - 1;
    if (slots.isCounted[slot] === 1) {
      engine.rqError[podId] = (engine.rqError[podId] ?? 0) + 1;
      engine.non2xx += 1;
      engine.countClientEnd(timeMs, true);
      engine.recordResponse(slots.startMs[slot] ?? timeMs, timeMs);
    }
    connections.push(slots.connection[slot] ?? 0);
  }
  return connections;
}

function slowPod(engine: SimEngine, index: number, delayMs: number): string {
  const pod = engine.fleet.member(index);
  if (pod === undefined) return `no pod at index ${index}; nothing changed`;
  if (!pod.isAlive) return `${pod.name} is not running (killed); nothing changed`;
  pod.extraDelayMs = delayMs;
  return `${pod.name} (${pod.address}) now adds ${delayMs} ms to every request it receives from now on`;
}
