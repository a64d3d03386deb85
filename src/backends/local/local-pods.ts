import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
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

/** How the n-th pod ever created (0-based) starts: its server and its added delay. */
export interface PodPlan {
  readonly server: PodServerKind;
  readonly delayMs: number;
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
  readonly planPod: (creationIndex: number) => PodPlan;
  /** Called with the Ready pods' IPs whenever that set changes (the endpoints controller's job). */
  readonly onReadyChange: (readyIps: readonly string[]) => void;
}

/** The myapp pods of the local backend: a ReplicaSet made of processes. */
export interface PodFleet {
  /** Pods in creation order; a killed pod stays listed as not Ready until scaled away. */
  list(): readonly Pod[];
  readyIps(): readonly string[];
  /** Names of the pods that ran the Node server, for the environment record. */
  nodePodNames(): readonly string[];
  usedServers(): ReadonlySet<PodServerKind>;
  scale(replicas: number, signal: AbortSignal): Promise<void>;
  kill(podName: string): Promise<void>;
  slow(podName: string, delayMs: number, signal: AbortSignal): Promise<void>;
  stopAll(): Promise<void>;
}

interface FleetPod {
  readonly name: string;
  readonly ip: string;
  process: PodProcess;
  ready: boolean;
}

/** Creates an empty fleet; `scale` starts and stops pods. */
export function createPodFleet(options: PodFleetOptions): PodFleet {
  const templateHash = createTemplateHash(options.rng);
  const pods: FleetPod[] = [];
  const takenNames = new Set<string>();
  const expectedExitPids = new Set<number>();
  const usedServers = new Set<PodServerKind>();
  const nodePods = new Set<string>();
  let createdCount = 0;

  const notify = (): void => {
    options.onReadyChange(readyIps());
  };
  const readyIps = (): string[] => pods.filter((pod) => pod.ready).map((pod) => pod.ip);
  const findPod = (name: string): FleetPod => {
    const pod = pods.find((candidate) => candidate.name === name);
    if (pod === undefined) {
      const known = pods.map((candidate) => candidate.name).join(', ');
      throw new ClusterError(`no pod named "${name}"; the pods are: ${known === '' ? '(none)' : known}`);
    }
    return pod;
  };

  const launch = async (
    name: string,
    ip: string,
    plan: PodPlan,
    signal: AbortSignal,
  ): Promise<PodProcess> => {
    const spec: PodProcessSpec = {
      name,
      ip,
      port: options.port,
      server: plan.server,
      delayMs: plan.delayMs,
      podDir: join(options.podRootDir, name),
      logPath: join(options.logDir, `${name}.log`),
      nginxPath: options.nginxPath,
      nodePodEntry: options.nodePodEntry,
    };
    await mkdir(spec.podDir, { recursive: true });
    const podProcess = await startWatched(options.reaper, (onSpawn) =>
      startPodProcess(spec, signal, onSpawn),
    );
    usedServers.add(plan.server);
    if (plan.server === 'node') {
      nodePods.add(name);
    }
    void podProcess.exited.then((exit) => {
      options.reaper.unwatch(podProcess.pid);
      const pod = pods.find((candidate) => candidate.process === podProcess);
      if (expectedExitPids.delete(podProcess.pid) || pod === undefined) {
        return;
      }
      pod.ready = false;
      options.progress.warn(`pod ${name} ${describeExit(exit)}; it is no longer Ready`);
      notify();
    });
    return podProcess;
  };

  const stopPod = async (pod: FleetPod, mode: 'stop' | 'kill'): Promise<void> => {
    if (!pod.process.isRunning()) {
      return;
    }
    expectedExitPids.add(pod.process.pid);
    if (mode === 'kill') {
      await pod.process.kill();
    } else {
      await pod.process.stop();
    }
  };

  const startPods = async (count: number, signal: AbortSignal): Promise<void> => {
    const planned = Array.from({ length: count }, () => {
      const creationIndex = createdCount;
      createdCount += 1;
      const name = createPodName({
        deployment: options.deployment,
        templateHash,
        taken: takenNames,
        rng: options.rng,
      });
      takenNames.add(name);
      return { name, ip: getPodAddress(creationIndex), plan: options.planPod(creationIndex) };
    });
    const started = await Promise.allSettled(
      planned.map((pod) => launch(pod.name, pod.ip, pod.plan, signal)),
    );
    started.forEach((result, index) => {
      const plannedPod = planned[index];
      if (result.status === 'fulfilled' && plannedPod !== undefined) {
        pods.push({ name: plannedPod.name, ip: plannedPod.ip, process: result.value, ready: true });
      }
    });
    notify();
    const failure = started.find((result) => result.status === 'rejected');
    if (failure !== undefined) {
      throw failure.reason;
    }
  };

  const removePods = async (count: number): Promise<void> => {
    // Like a ReplicaSet: not-Ready pods go first, then the newest.
    const victims = [...pods]
      .reverse()
      .sort((a, b) => Number(a.ready) - Number(b.ready))
      .slice(0, count);
    for (const victim of victims) {
      pods.splice(pods.indexOf(victim), 1);
    }
    // A terminating pod leaves the endpoints at once, while it receives SIGTERM.
    notify();
    await Promise.all(victims.map((victim) => stopPod(victim, 'stop')));
  };

  return {
    list: () => pods.map((pod) => ({ name: pod.name, ip: pod.ip, port: options.port, ready: pod.ready })),
    readyIps,
    nodePodNames: () => [...nodePods],
    usedServers: () => usedServers,
    scale: async (replicas, signal) => {
      if (replicas > pods.length) {
        await startPods(replicas - pods.length, signal);
      } else if (replicas < pods.length) {
        await removePods(pods.length - replicas);
      }
    },
    kill: async (podName) => {
      const pod = findPod(podName);
      await stopPod(pod, 'kill');
      pod.ready = false;
      notify();
    },
    slow: async (podName, delayMs, signal) => {
      const pod = findPod(podName);
      if (!pod.process.isRunning()) {
        throw new ClusterError(
          `pod "${podName}" is not running (killed or crashed), so it cannot be slowed: slow it before it is killed, or slow another pod`,
        );
      }
      if (pod.process.spec.server === 'node') {
        await pod.process.setDelay(delayMs);
        return;
      }
      options.progress.warn(
        `pod ${podName} runs nginx, which cannot delay responses: restarting it as the built-in Node server`,
      );
      await stopPod(pod, 'stop');
      try {
        pod.process = await launch(pod.name, pod.ip, { server: 'node', delayMs }, signal);
      } catch (error) {
        pod.ready = false;
        notify();
        throw error;
      }
    },
    stopAll: async () => {
      const all = pods.splice(0, pods.length);
      await Promise.all(all.map((pod) => stopPod(pod, 'stop')));
    },
  };
}

/**
 * Returns a port that is free on `host`, found by binding port 0 once; all pods then share it, as pods share
 * their container port.
 * @throws ClusterError when `host` cannot be bound (e.g. macOS has only 127.0.0.1 on lo0 by default).
 */
export async function findFreePort(host: string): Promise<number> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: 0 }, resolve);
    });
  } catch (error) {
    throw new ClusterError(
      `cannot listen on ${host}: the local backend gives each pod its own 127.0.x.y address. ` +
        `On macOS add loopback aliases first (sudo ifconfig lo0 alias ${host} up).`,
      { cause: error },
    );
  }
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') {
    throw new ClusterError(`cannot read the port bound on ${host}`);
  }
  return address.port;
}
