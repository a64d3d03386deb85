import type { BehaviorFields } from './read-pod-behavior.js';
import type { FaultAction, LatencySpec, PodBehavior, PodFault, Scenario, UpstreamSpec } from './types.js';

/** The behaviour of pod `index` (0-based): its override's fields where set, else the `upstream` ones. */
export function resolvePodBehavior(upstream: UpstreamSpec, index: number): PodBehavior {
  const override = upstream.pods.find((pod) => pod.index === index);
  return {
    delayMs: override?.delayMs ?? upstream.delayMs,
    capacity: override?.capacity ?? upstream.capacity,
    latency: override?.latency ?? upstream.latency,
    errorRate: override?.errorRate ?? upstream.errorRate ?? 0,
  };
}

/** The fault a pod has after a fault event: `recover` brings back its scenario behaviour. */
export function getFaultOf(action: FaultAction): PodFault {
  return action === 'recover' ? 'none' : action;
}

/** e.g. `fixed 10 ms`, `lognormal p50 5 ms p99 40 ms`. */
export function describeLatency(latency: LatencySpec): string {
  switch (latency.distribution) {
    case 'fixed':
      return `fixed ${latency.valueMs} ms`;
    case 'exponential':
      return `exponential p50 ${latency.p50Ms} ms`;
    case 'lognormal':
      return `lognormal p50 ${latency.p50Ms} ms p99 ${latency.p99Ms} ms`;
  }
}

/** e.g. `capacity 4, latency fixed 10 ms, delay 0 ms, errors 0 %`; `as planned` parts are always listed. */
export function describePodBehavior(behavior: PodBehavior): string {
  return [
    `capacity ${behavior.capacity ?? 'unlimited'}`,
    `latency ${behavior.latency === undefined ? 'none' : describeLatency(behavior.latency)}`,
    `delay ${behavior.delayMs} ms`,
    `errors ${Math.round(behavior.errorRate * 1000) / 10} %`,
  ].join(', ');
}

/**
 * The scenario fields that need a pod server nginx cannot be (a capacity queue, a latency other than a fixed one,
 * an error rate, or a fail/hang/recover event), as paths with values, e.g. `upstream.pods[0].capacity (4)`; empty
 * when nginx (with the Node server only for delayed pods) can play every pod.
 */
export function listBehaviorFields(scenario: Scenario): string[] {
  const { upstream } = scenario;
  const fields: string[] = [];
  const check = (path: string, behavior: BehaviorFields): void => {
    if (behavior.capacity !== undefined) fields.push(`${path}.capacity (${behavior.capacity})`);
    if (behavior.latency !== undefined && behavior.latency.distribution !== 'fixed') {
      fields.push(`${path}.latency (${describeLatency(behavior.latency)})`);
    }
    if (behavior.errorRate !== undefined && behavior.errorRate > 0) {
      fields.push(`${path}.errorRate (${behavior.errorRate})`);
    }
  };
  check('upstream', upstream);
  upstream.pods.forEach((pod, i) => {
    check(`upstream.pods[${i}]`, pod);
  });
  scenario.events.forEach((event, i) => {
    if (event.action === 'fail' || event.action === 'hang' || event.action === 'recover') {
      fields.push(`events[${i}].${event.action}`);
    }
  });
  return fields;
}

/** Whether pod `index` ever needs more than nginx gives: a behaviour field, a fault event or a delay. */
export function needsBehaviorServer(scenario: Scenario, index: number): boolean {
  const behavior = resolvePodBehavior(scenario.upstream, index);
  return (
    behavior.capacity !== undefined ||
    behavior.latency !== undefined ||
    behavior.errorRate > 0 ||
    behavior.delayMs > 0 ||
    scenario.events.some(
      (event) => event.action !== 'scale' && event.action !== 'kill' && event.pod === index,
    )
  );
}

/** The seed of pod `index`'s own randomness (latency samples, errors), from the scenario's seed: reproducible per pod. */
export function derivePodSeed(scenarioSeed: number, index: number): number {
  let mixed = (scenarioSeed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}
