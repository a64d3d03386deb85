import {
  derivePodSeed,
  describePodBehavior,
  needsBehaviorServer,
  resolvePodBehavior,
} from '../../scenario/pod-behavior.js';
import type { Scenario } from '../../scenario/types.js';
import type { PodPlan } from './pod-fleet.js';
import { choosePodServer } from './upstream-server.js';

/** How the local backend starts the pod in each slot, from the scenario: its server and its settings. */
export class PodPlanner {
  readonly #scenario: Scenario;
  readonly #nginxVersion: string | undefined;

  /** `nginxVersion` is undefined when nginx is not installed (or not wanted). */
  constructor(scenario: Scenario, nginxVersion: string | undefined) {
    this.#scenario = scenario;
    this.#nginxVersion = nginxVersion;
  }

  /**
   * The pod in `slot` (0-based, the scenario's pod index): the Node server when it needs a behaviour nginx cannot
   * give (a delay, capacity, latency, error rate, or a slow/fail/hang/recover event), with its seed from the scenario's.
   */
  plan(slot: number): PodPlan {
    const { upstream, seed } = this.#scenario;
    return {
      server: choosePodServer({
        choice: upstream.server,
        hasNginx: this.#nginxVersion !== undefined,
        needsDelay: needsBehaviorServer(this.#scenario, slot),
      }),
      settings: { behavior: resolvePodBehavior(upstream, slot), seed: derivePodSeed(seed, slot) },
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

  /**
   * Why some pods run the Node server although nginx was found (`auto`), e.g. `pod #0: capacity 4, …`; undefined
   * when every pod runs the server the choice gives.
   */
  describeNodeReasons(): string | undefined {
    if (this.#nginxVersion === undefined || this.#scenario.upstream.server !== 'auto') return undefined;
    const reasons = Array.from({ length: this.#scenario.replicas }, (_, slot) => slot)
      .filter((slot) => this.plan(slot).server === 'node')
      .map(
        (slot) =>
          `pod #${slot} (${describePodBehavior(resolvePodBehavior(this.#scenario.upstream, slot))}${this.#hasEvents(slot) ? ', events' : ''})`,
      );
    return reasons.length === 0
      ? undefined
      : `the built-in Node server plays pods nginx cannot: ${reasons.join('; ')}`;
  }

  #hasEvents(slot: number): boolean {
    return this.#scenario.events.some(
      (event) => event.action !== 'scale' && event.action !== 'kill' && event.pod === slot,
    );
  }
}

/** Whether some pod of `scenario` may run the Node server because it needs a behaviour nginx cannot give. */
export function needsDelayedPods(scenario: Scenario): boolean {
  const slots = Math.max(
    scenario.replicas,
    ...scenario.events.map((event) => (event.action === 'scale' ? event.replicas : 0)),
  );
  return Array.from({ length: slots }, (_, slot) => needsBehaviorServer(scenario, slot)).some(Boolean);
}
