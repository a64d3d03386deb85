import type { SimEngine } from './sim-engine.js';
import type { SimOutcome } from './sim-types.js';

/** Copies what a finished run observed out of the engine's typed arrays into plain data. */
export function buildSimOutcome(engine: SimEngine): SimOutcome {
  const podCount = engine.fleet.pods.length;
  const take = (array: Float64Array): number[] => Array.from(array.subarray(0, podCount));
  const isBoundByRequests = engine.input.scenario.sim.requests !== undefined;
  return {
    pods: engine.fleet.pods.map(({ id, name, address }) => ({ id, name, address })),
    counters: {
      rqTotal: take(engine.rqTotal),
      rqSuccess: take(engine.rqSuccess),
      rqError: take(engine.rqError),
      // The route timeout (60 s in the proxy's template) never fires before the client's own timeout here.
      rqTimeout: Array.from({ length: podCount }, () => 0),
      cxTotal: take(engine.cxTotal),
      cxConnectFail: take(engine.cxConnectFail),
    },
    firstDispatchMs: take(engine.firstDispatchMs).map((value) => (Number.isNaN(value) ? undefined : value)),
    buckets: engine.buckets.map((counts) => Array.from(counts.subarray(0, podCount))),
    bucketMs: engine.bucketMs,
    clientTicks: { responses: [...engine.clientTicks.responses], errors: [...engine.clientTicks.errors] },
    hostSets: engine.hostSets,
    readyDuringWindow: [...engine.readyDuringWindow].sort((a, b) => a - b),
    requestsSent: engine.requestsSent,
    status2xx: engine.status2xx,
    non2xx: engine.non2xx,
    timeouts: engine.timeouts,
    latency: engine.histogram,
    durationMs: isBoundByRequests
      ? Math.max(0, engine.lastCountedEndMs - engine.windowStartMs)
      : engine.input.scenario.load.durationMs,
    events: engine.events,
    workersWithConnections: new Set(engine.connectionWorker).size,
  };
}
