import { createPodName, createTemplateHash, getPodAddress } from '../backends/local/pod-names.js';
import { resolvePodBehavior } from '../scenario/pod-behavior.js';
import type { PodBehavior, PodFault, Scenario, ScenarioEvent } from '../scenario/types.js';
import { createSeededRng } from '../stats/seeded-rng.js';

/** The port every simulated pod listens on; with the address it only labels the pod (`127.0.1.N:80`). */
const SIM_POD_PORT = 80;
const DEPLOYMENT = 'myapp';

/** One simulated pod; `id` is its creation index and its index in every per-pod array of a run. */
export interface SimPod {
  readonly id: number;
  readonly name: string;
  /** `ip:port` as /clusters would print it. */
  readonly address: string;
  /** How it serves (the pod override, else `upstream`); a slow event changes its `delayMs`. */
  behavior: PodBehavior;
  /** Set by fail/hang/recover events. */
  fault: PodFault;
  /** False once killed: it answers nothing and refuses connections. */
  isAlive: boolean;
}

/**
 * The myapp ReplicaSet of one simulated run, shaped like the local backend's fleet: pods in creation order,
 * a killed pod stays listed (not Ready) until scaled away, scaling down removes not-Ready pods first and then
 * the newest. A pod scaled away is terminating: it leaves the DNS answer at once but keeps serving (the
 * Kubernetes grace period is far longer than a DNS refresh), so requests the proxy still sends it succeed.
 */
export class SimFleet {
  /** Every pod ever created, by id. */
  readonly pods: SimPod[] = [];
  /** The Deployment's current pods (ids) in creation order; event pod indexes refer to this list. */
  readonly members: number[] = [];
  readonly #scenario: Scenario;
  readonly #nameRng: () => number;
  readonly #templateHash: string;
  readonly #takenNames = new Set<string>();

  /** Creates the fleet with `scenario.replicas` pods; names come from `scenario.seed`, so every run shares them. */
  constructor(scenario: Scenario) {
    this.#scenario = scenario;
    this.#nameRng = createSeededRng(scenario.seed);
    this.#templateHash = createTemplateHash(this.#nameRng);
    this.scale(scenario.replicas);
  }

  /** Whether pod `id` is Ready: a current member that is alive. */
  isReady(id: number): boolean {
    return this.pods[id]?.isAlive === true && this.members.includes(id);
  }

  /** Ids of the pods the DNS answers with (Ready: a current member that is alive), in creation order. */
  readyIds(): number[] {
    return this.members.filter((id) => this.pods[id]?.isAlive === true);
  }

  /** Creates or removes pods until the Deployment has `replicas`; returns a description for the event log. */
  scale(replicas: number): string {
    const before = this.members.length;
    if (replicas > before) {
      for (let count = before; count < replicas; count += 1) this.members.push(this.#createPod().id);
      return `scaled ${before} → ${replicas}: created ${this.#describe(this.members.slice(before))}`;
    }
    if (replicas === before) return `scaled ${before} → ${replicas}: nothing to do`;
    const victims = [...this.members]
      .reverse()
      .sort((a, b) => Number(this.pods[a]?.isAlive) - Number(this.pods[b]?.isAlive))
      .slice(0, before - replicas);
    for (const victim of victims) this.members.splice(this.members.indexOf(victim), 1);
    return `scaled ${before} → ${replicas}: removed ${this.#describe(victims)} (terminating, they finish what they get)`;
  }

  /** The member at `index` (0-based, creation order), or undefined. */
  member(index: number): SimPod | undefined {
    const id = this.members[index];
    return id === undefined ? undefined : this.pods[id];
  }

  #createPod(): SimPod {
    const id = this.pods.length;
    const name = createPodName({
      deployment: DEPLOYMENT,
      templateHash: this.#templateHash,
      taken: this.#takenNames,
      rng: this.#nameRng,
    });
    this.#takenNames.add(name);
    const pod: SimPod = {
      id,
      name,
      address: `${getPodAddress(id)}:${SIM_POD_PORT}`,
      behavior: resolvePodBehavior(this.#scenario.upstream, id),
      fault: 'none',
      isAlive: true,
    };
    this.pods.push(pod);
    return pod;
  }

  #describe(ids: readonly number[]): string {
    return ids.map((id) => this.pods[id]?.name ?? String(id)).join(', ');
  }
}

/** The most pods a run can create: the initial replicas plus every increase the scale events make. */
export function countMaxPods(replicas: number, events: readonly ScenarioEvent[]): number {
  let current = replicas;
  let created = replicas;
  for (const event of events) {
    if (event.action !== 'scale') continue;
    if (event.replicas > current) created += event.replicas - current;
    current = event.replicas;
  }
  return created;
}
