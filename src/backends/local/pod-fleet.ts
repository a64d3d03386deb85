import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { ClusterError } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';
import type { Pod } from '../backend.js';
import { describeExit } from './child-process.js';
import { createPodName, createTemplateHash, getPodAddress } from './pod-names.js';
import type { PodProcess, PodProcessSpec } from './pod-process.js';
import { startPodProcess } from './pod-process.js';
import type { Reaper } from './reaper.js';
import { startWatched } from './reaper.js';
import type { PodServerKind } from './upstream-server.js';
import type { PodSettings } from './pod-settings.js';
import type { PodFault } from '../../scenario/types.js';

/** How the pod in Deployment slot n (0-based, the scenario's pod index) starts: its server and its settings. */
export interface PodPlan {
  readonly server: PodServerKind;
  readonly settings: PodSettings;
}

/** What a pod fleet needs. */
export interface PodFleetOptions {
  readonly deployment: string;
  /** The port every pod listens on, on its own address. */
  readonly port: number;
  /** Parent of the pods' own directories. */
  readonly podRootDir: string;
  readonly logDir: string;
  readonly nginxPath: string | undefined;
  readonly nodePodEntry: string;
  readonly rng: () => number;
  readonly reaper: Reaper;
  readonly progress: ProgressSink;
  readonly planPod: (slot: number) => PodPlan;
  /** Called with the Ready pods' IPs whenever that set changes (the endpoints controller's job). */
  readonly onReadyChange: (readyIps: readonly string[]) => void;
}

/** A pod is Ready while its process runs; then it was killed by an event, or it exited on its own. */
type PodPhase = 'ready' | 'killed' | 'exited';

interface FleetPod {
  readonly name: string;
  readonly ip: string;
  /** Its place in the Deployment's pod order, which event pod indexes and pod overrides refer to. */
  readonly slot: number;
  /** Order of creation over the fleet's life: scaling down removes the newest first. */
  readonly creationIndex: number;
  process: PodProcess;
  phase: PodPhase;
}

/**
 * The myapp pods of the local backend: a ReplicaSet made of processes, listed in slot order. A killed pod stays
 * listed (not Ready) until it is scaled away or reset. `reset` brings back the initial pods as a Deployment
 * would: fresh pods with new names and addresses for the killed ones, the planned settings and no fault, no extra pods.
 */
export class PodFleet {
  readonly #options: PodFleetOptions;
  readonly #templateHash: string;
  readonly #pods: FleetPod[] = [];
  readonly #takenNames = new Set<string>();
  readonly #expectedExitPids = new Set<number>();
  readonly #usedServers = new Set<PodServerKind>();
  readonly #nodePods = new Set<string>();
  #createdCount = 0;

  /** An empty fleet; `scale` starts and stops pods. */
  constructor(options: PodFleetOptions) {
    this.#options = options;
    this.#templateHash = createTemplateHash(options.rng);
  }

  /** The pods in slot order. */
  list(): readonly Pod[] {
    return this.#pods.map((pod) => ({
      name: pod.name,
      ip: pod.ip,
      port: this.#options.port,
      ready: pod.phase === 'ready',
    }));
  }

  readyIps(): readonly string[] {
    return this.#pods.filter((pod) => pod.phase === 'ready').map((pod) => pod.ip);
  }

  /** Names of the pods that ran the Node server, for the environment record. */
  nodePodNames(): readonly string[] {
    return [...this.#nodePods];
  }

  usedServers(): ReadonlySet<PodServerKind> {
    return this.#usedServers;
  }

  /** Starts new pods in the next slots, or removes pods (not-Ready first, then the newest). */
  async scale(replicas: number, signal: AbortSignal): Promise<void> {
    const count = this.#pods.length;
    if (replicas > count) {
      const firstSlot = Math.max(-1, ...this.#pods.map((pod) => pod.slot)) + 1;
      await this.#startPods(
        Array.from({ length: replicas - count }, (_, index) => firstSlot + index),
        signal,
      );
    } else if (replicas < count) {
      const victims = [...this.#pods]
        .sort((a, b) => b.creationIndex - a.creationIndex)
        .sort((a, b) => Number(a.phase === 'ready') - Number(b.phase === 'ready'))
        .slice(0, count - replicas);
      await this.#remove(victims);
    }
  }

  /** SIGKILLs the pod; it stays listed, not Ready. */
  async kill(podName: string): Promise<void> {
    const pod = this.#find(podName);
    await this.#stop(pod, 'kill');
    pod.phase = 'killed';
    this.#notify();
  }

  /** Delays the pod's answers; an nginx pod restarts as the Node server (same name and address) to do so. */
  async slow(podName: string, delayMs: number, signal: AbortSignal): Promise<void> {
    const pod = await this.#requireNodePod(podName, 'slowed', 'delay responses', signal);
    await pod.process.setDelay(delayMs);
  }

  /** Makes the pod fail, hang or serve as planned; an nginx pod restarts as the Node server to do so. */
  async setFault(podName: string, fault: PodFault, signal: AbortSignal): Promise<void> {
    const what = fault === 'none' ? 'recovered' : `made to ${fault}`;
    const pod = await this.#requireNodePod(
      podName,
      what,
      `${fault === 'hang' ? 'hang' : 'fail'} on request`,
      signal,
    );
    await pod.process.setFault(fault);
  }

  /**
   * Brings the fleet back to `replicas` pods in slots 0 … replicas − 1, each as planned: pods beyond them are
   * removed, a pod that is not Ready or runs another server is replaced by a fresh one (new name and address),
   * and a Node pod with another delay gets its planned delay back.
   */
  async reset(replicas: number, signal: AbortSignal): Promise<void> {
    const plans = new Map(this.#pods.map((pod) => [pod, this.#options.planPod(pod.slot)]));
    const isReplaced = (pod: FleetPod): boolean =>
      pod.slot >= replicas || pod.phase !== 'ready' || pod.process.spec.server !== plans.get(pod)?.server;
    const replaced = this.#pods.filter(isReplaced);
    await this.#remove(replaced);
    for (const pod of this.#pods) {
      const planned = plans.get(pod)?.settings;
      const isAsPlanned =
        pod.process.getFault() === 'none' &&
        JSON.stringify(pod.process.getSettings()) === JSON.stringify(planned);
      if (planned !== undefined && pod.process.spec.server === 'node' && !isAsPlanned) {
        await pod.process.setSettings(planned);
      }
    }
    const filled = new Set(this.#pods.map((pod) => pod.slot));
    const missing = Array.from({ length: replicas }, (_, slot) => slot).filter((slot) => !filled.has(slot));
    await this.#startPods(missing, signal);
  }

  /** Stops every pod (SIGTERM, then SIGKILL after a grace period). */
  async stopAll(): Promise<void> {
    const all = this.#pods.splice(0, this.#pods.length);
    await Promise.all(all.map((pod) => this.#stop(pod, 'stop')));
  }

  /** The Ready pod named `podName`, restarted as the Node server (same name and address) if it runs nginx. */
  async #requireNodePod(podName: string, what: string, need: string, signal: AbortSignal): Promise<FleetPod> {
    const pod = this.#find(podName);
    if (pod.phase !== 'ready') {
      throw new ClusterError(
        `pod "${podName}" is not running (${pod.phase}), so it cannot be ${what}: act on it before it is killed, or on another pod`,
      );
    }
    if (pod.process.spec.server === 'node') return pod;
    this.#options.progress.warn(
      `pod ${podName} runs nginx, which cannot ${need}: restarting it as the built-in Node server`,
    );
    await this.#stop(pod, 'stop');
    try {
      pod.process = await this.#launch(
        pod.name,
        pod.ip,
        { ...this.#options.planPod(pod.slot), server: 'node' },
        signal,
      );
    } catch (error) {
      pod.phase = 'exited';
      this.#notify();
      throw error;
    }
    return pod;
  }

  #notify(): void {
    this.#options.onReadyChange(this.readyIps());
  }

  #find(name: string): FleetPod {
    const pod = this.#pods.find((candidate) => candidate.name === name);
    if (pod === undefined) {
      const known = this.#pods.map((candidate) => candidate.name).join(', ');
      throw new ClusterError(`no pod named "${name}"; the pods are: ${known === '' ? '(none)' : known}`);
    }
    return pod;
  }

  async #startPods(slots: readonly number[], signal: AbortSignal): Promise<void> {
    if (slots.length === 0) return;
    const planned = slots.map((slot) => {
      const creationIndex = this.#createdCount;
      this.#createdCount += 1;
      const name = createPodName({
        deployment: this.#options.deployment,
        templateHash: this.#templateHash,
        taken: this.#takenNames,
        rng: this.#options.rng,
      });
      this.#takenNames.add(name);
      return { name, ip: getPodAddress(creationIndex), slot, creationIndex };
    });
    const started = await Promise.allSettled(
      planned.map((pod) => this.#launch(pod.name, pod.ip, this.#options.planPod(pod.slot), signal)),
    );
    started.forEach((result, index) => {
      const pod = planned[index];
      if (result.status === 'fulfilled' && pod !== undefined) {
        this.#pods.push({ ...pod, process: result.value, phase: 'ready' });
      }
    });
    this.#pods.sort((a, b) => a.slot - b.slot);
    this.#notify();
    const failure = started.find((result) => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  async #remove(victims: readonly FleetPod[]): Promise<void> {
    if (victims.length === 0) return;
    for (const victim of victims) this.#pods.splice(this.#pods.indexOf(victim), 1);
    // A terminating pod leaves the endpoints at once, while it receives SIGTERM.
    this.#notify();
    await Promise.all(victims.map((victim) => this.#stop(victim, 'stop')));
  }

  async #launch(name: string, ip: string, plan: PodPlan, signal: AbortSignal): Promise<PodProcess> {
    const options = this.#options;
    const spec: PodProcessSpec = {
      name,
      ip,
      port: options.port,
      server: plan.server,
      settings: plan.settings,
      podDir: join(options.podRootDir, name),
      logPath: join(options.logDir, `${name}.log`),
      nginxPath: options.nginxPath,
      nodePodEntry: options.nodePodEntry,
    };
    await mkdir(spec.podDir, { recursive: true });
    const podProcess = await startWatched(options.reaper, (onSpawn) =>
      startPodProcess(spec, signal, onSpawn),
    );
    this.#usedServers.add(plan.server);
    if (plan.server === 'node') this.#nodePods.add(name);
    void podProcess.exited.then((exit) => {
      this.#onExit(podProcess, describeExit(exit));
    });
    return podProcess;
  }

  #onExit(podProcess: PodProcess, exit: string): void {
    this.#options.reaper.unwatch(podProcess.pid);
    const pod = this.#pods.find((candidate) => candidate.process === podProcess);
    if (this.#expectedExitPids.delete(podProcess.pid) || pod === undefined) return;
    pod.phase = 'exited';
    this.#options.progress.warn(`pod ${pod.name} ${exit}; it is no longer Ready`);
    this.#notify();
  }

  async #stop(pod: FleetPod, mode: 'stop' | 'kill'): Promise<void> {
    if (!pod.process.isRunning()) return;
    this.#expectedExitPids.add(pod.process.pid);
    if (mode === 'kill') await pod.process.kill();
    else await pod.process.stop();
  }
}
