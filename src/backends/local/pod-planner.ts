import type { Scenario } from '../../scenario/types.js';
import type { PodPlan } from './pod-fleet.js';
import { choosePodServer } from './upstream-server.js';

/** How the local backend starts the pod in each slot, from the scenario: its server and its added delay. */
export class PodPlanner {
  readonly #scenario: Scenario;
  readonly #nginxVersion: string | undefined;
  /** Pod indexes that need a delay at some point (an override or a slow event): they run the Node server. */
  readonly #delayedIndexes: ReadonlySet<number>;

  /** `nginxVersion` is undefined when nginx is not installed (or not wanted). */
  constructor(scenario: Scenario, nginxVersion: string | undefined) {
    this.#scenario = scenario;
    this.#nginxVersion = nginxVersion;
    this.#delayedIndexes = findDelayedIndexes(scenario);
  }

  /** The pod in `slot` (0-based, the scenario's pod index). */
  plan(slot: number): PodPlan {
    const { upstream } = this.#scenario;
    const delayMs = upstream.pods.find((pod) => pod.index === slot)?.delayMs ?? upstream.delayMs;
    const needsDelay = delayMs > 0 || this.#delayedIndexes.has(slot);
    return {
      server: choosePodServer({
        choice: upstream.server,
        hasNginx: this.#nginxVersion !== undefined,
        needsDelay,
      }),
      delayMs,
    };
  }

  /** The initial pods' servers, e.g. `3 nginx/1.22.1` or `2 nginx/1.22.1 + 1 node-builtin`. */
  describeInitialPods(): string {
    const servers = Array.from({ length: this.#scenario.replicas }, (_, slot) => this.plan(slot).server);
    const counts = [
      [servers.filter((server) => server === 'nginx').length, this.#nginxVersion ?? 'nginx'],
      [servers.filter((server) => server === 'node').length, 'node-builtin'],
    ] as const;
    return counts.flatMap(([count, name]) => (count > 0 ? [`${count} ${name}`] : [])).join(' + ');
  }
}

/** Whether some pod of `scenario` may run the Node server because it needs a delay, now or from a slow event. */
export function needsDelayedPods(scenario: Scenario): boolean {
  return findDelayedIndexes(scenario).size > 0 || scenario.upstream.delayMs > 0;
}

function findDelayedIndexes(scenario: Scenario): ReadonlySet<number> {
  return new Set([
    ...scenario.upstream.pods.filter((pod) => pod.delayMs > 0).map((pod) => pod.index),
    ...scenario.events.flatMap((event) => (event.action === 'slow' ? [event.pod] : [])),
  ]);
}
