import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ClusterError, PortTakenError } from '../../errors.js';
import type { ChildExit, ManagedChild } from './child-process.js';
import { describeExit, killChild, readLogTail, spawnLogged, stopChild } from './child-process.js';
import { getNginxDocumentRoot, renderNginxConfig } from './nginx-config.js';
import type { SetDelayMessage, SetFaultMessage, SetSettingsMessage } from './node-pod-protocol.js';
import { isDelaySetMessage, isFaultSetMessage, isSettingsSetMessage } from './node-pod-protocol.js';
import type { PodSettings } from './pod-settings.js';
import type { PodFault } from '../../scenario/types.js';
import type { PodServerKind } from './upstream-server.js';
import { waitFor, done, notYet } from '../../run/wait.js';
import { readPodName } from './read-pod-name.js';
import { WELCOME_PAGE_HTML } from './welcome-page.js';

/** Everything needed to start one pod process. */
export interface PodProcessSpec {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly server: PodServerKind;
  /** How it serves (nginx: only a zero delay and no behaviour, which the planner guarantees). */
  readonly settings: PodSettings;
  /** The pod's own directory (nginx: config, pid, temp paths, page). */
  readonly podDir: string;
  readonly logPath: string;
  readonly nginxPath: string | undefined;
  /** The compiled `node-pod-main.js`. */
  readonly nodePodEntry: string;
}

/** A running pod. */
export interface PodProcess {
  readonly spec: PodProcessSpec;
  readonly pid: number;
  readonly exited: Promise<ChildExit>;
  isRunning(): boolean;
  /** The added delay now in force, in ms. */
  getDelayMs(): number;
  /** Changes the added delay of a Node pod. @throws ClusterError for an nginx pod or when the pod does not answer. */
  setDelay(delayMs: number): Promise<void>;
  /** The fault now in force. */
  getFault(): PodFault;
  /** Makes a Node pod fail, hang or serve as planned. @throws ClusterError for an nginx pod or no answer. */
  setFault(fault: PodFault): Promise<void>;
  /** The settings now in force (the fault aside). */
  getSettings(): PodSettings;
  /** Replaces a Node pod's settings and clears its fault. @throws ClusterError for an nginx pod or no answer. */
  setSettings(settings: PodSettings): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL at once. */
  kill(): Promise<ChildExit>;
}

const START_TIMEOUT_MS = 10_000;
const START_POLL_MS = 25;
const STOP_GRACE_MS = 2_000;
const CONTROL_ACK_TIMEOUT_MS = 5_000;
const PROBE_TIMEOUT_MS = 1_000;
const PORT_TAKEN_PATTERN = /Address already in use|EADDRINUSE/;

/**
 * Starts one pod (nginx in the foreground, or the built-in Node server) and waits until it answers on `ip:port`
 * with its own name, so another process holding that address never passes for the pod. `onSpawn` learns the pid
 * as soon as the process exists.
 * @throws PortTakenError when the address is in use; ClusterError when it exits or never listens.
 */
export async function startPodProcess(
  spec: PodProcessSpec,
  signal: AbortSignal,
  onSpawn?: (pid: number) => void,
): Promise<PodProcess> {
  const managed = spec.server === 'nginx' ? await spawnNginx(spec) : await spawnNodePod(spec);
  onSpawn?.(managed.pid);
  try {
    await waitUntilListening(spec, managed, signal);
  } catch (error) {
    await stopChild(managed, STOP_GRACE_MS);
    throw error;
  }
  return createPodProcess(spec, managed);
}

async function spawnNginx(spec: PodProcessSpec): Promise<ManagedChild> {
  if (spec.nginxPath === undefined) {
    throw new ClusterError(`pod ${spec.name}: nginx was chosen but no nginx path is known`);
  }
  const htmlDir = getNginxDocumentRoot(spec.podDir);
  await mkdir(htmlDir, { recursive: true });
  // Running as root, nginx serves files as `nobody`: the page and its folders must be world-readable.
  await chmod(spec.podDir, 0o755);
  await chmod(htmlDir, 0o755);
  await writeFile(join(htmlDir, 'index.html'), WELCOME_PAGE_HTML, { mode: 0o644 });
  const configPath = join(spec.podDir, 'nginx.conf');
  await writeFile(
    configPath,
    renderNginxConfig({ podName: spec.name, ip: spec.ip, port: spec.port, podDir: spec.podDir }),
  );
  // `-e stderr` (nginx ≥ 1.19.5) keeps nginx from opening its compiled-in error log before reading the config.
  return spawnLogged({
    file: spec.nginxPath,
    args: ['-p', spec.podDir, '-c', configPath, '-e', 'stderr'],
    logPath: spec.logPath,
    ipc: false,
  });
}

async function spawnNodePod(spec: PodProcessSpec): Promise<ManagedChild> {
  const args = [spec.nodePodEntry, '--ip', spec.ip, '--port', String(spec.port), '--name', spec.name];
  return spawnLogged({
    file: process.execPath,
    args: [...args, '--settings', JSON.stringify(spec.settings)],
    logPath: spec.logPath,
    ipc: true,
  });
}

async function waitUntilListening(
  spec: PodProcessSpec,
  managed: ManagedChild,
  signal: AbortSignal,
): Promise<void> {
  await waitFor(
    async () => {
      const answer = await readPodName(spec.ip, spec.port, PROBE_TIMEOUT_MS);
      if (answer.podName === spec.name) return done(true);
      return notYet(
        answer.accepted
          ? `a listener on ${spec.ip}:${spec.port} that does not answer as pod ${spec.name}`
          : 'not accepting connections',
      );
    },
    {
      what: `pod ${spec.name} to answer on ${spec.ip}:${spec.port}`,
      timeoutMs: START_TIMEOUT_MS,
      intervalMs: START_POLL_MS,
      signal,
      assertAlive: async () => {
        if (managed.hasExited()) {
          throw await createStartError(spec, managed);
        }
      },
      createTimeoutError: async (lastStatus) => {
        const tail = await readLogTail(managed.logPath);
        return new ClusterError(
          `pod ${spec.name} (${spec.server}, pid ${managed.pid}) did not answer on ${spec.ip}:${spec.port} ` +
            `within ${START_TIMEOUT_MS} ms (last seen: ${lastStatus}). Log ${managed.logPath}:\n${tail.trim()}`,
        );
      },
    },
  );
}

async function createStartError(spec: PodProcessSpec, managed: ManagedChild): Promise<Error> {
  const exit = await managed.exited;
  const tail = (await readLogTail(managed.logPath)).trim();
  const address = `${spec.ip}:${spec.port}`;
  const bindLine = tail.split('\n').find((line) => PORT_TAKEN_PATTERN.test(line));
  if (bindLine !== undefined) {
    return new PortTakenError(address, {
      message:
        `pod ${spec.name} (${spec.server}) could not listen on ${address}: another process holds that address. ` +
        `Its log ${managed.logPath} says: ${bindLine.trim()}`,
    });
  }
  return new ClusterError(
    `pod ${spec.name} (\`${managed.commandLine}\`) ${describeExit(exit)} while starting. Log ${managed.logPath}:\n${tail}`,
  );
}

function createPodProcess(spec: PodProcessSpec, managed: ManagedChild): PodProcess {
  let settings = spec.settings;
  let fault: PodFault = 'none';
  const control = (what: string, message: NodePodControlMessage, isAck: (reply: unknown) => boolean) =>
    sendControl({ spec, managed, what, message, isAck });
  return {
    spec,
    pid: managed.pid,
    exited: managed.exited,
    isRunning: () => !managed.hasExited(),
    getDelayMs: () => settings.behavior.delayMs,
    setDelay: async (delayMs) => {
      await control(
        `its delay ${delayMs} ms`,
        { type: 'set-delay', delayMs },
        (reply) => isDelaySetMessage(reply) && reply.delayMs === delayMs,
      );
      settings = { ...settings, behavior: { ...settings.behavior, delayMs } };
    },
    getFault: () => fault,
    setFault: async (next) => {
      await control(
        `fault ${next}`,
        { type: 'set-fault', fault: next },
        (reply) => isFaultSetMessage(reply) && reply.fault === next,
      );
      fault = next;
    },
    getSettings: () => settings,
    setSettings: async (next) => {
      await control('its settings', { type: 'set-settings', settings: next }, isSettingsSetMessage);
      settings = next;
      fault = 'none';
    },
    stop: () => stopChild(managed, STOP_GRACE_MS),
    kill: () => killChild(managed),
  };
}

type NodePodControlMessage = SetDelayMessage | SetFaultMessage | SetSettingsMessage;

/** Sends one control message to a Node pod and waits for its acknowledgement. */
async function sendControl(options: {
  readonly spec: PodProcessSpec;
  readonly managed: ManagedChild;
  /** What changes, for messages: `its delay 50 ms`, `fault hang`. */
  readonly what: string;
  readonly message: NodePodControlMessage;
  readonly isAck: (reply: unknown) => boolean;
}): Promise<void> {
  const { spec, managed, what } = options;
  if (spec.server !== 'node' || !managed.child.connected) {
    throw new ClusterError(
      `pod ${spec.name} (${spec.server}) cannot change ${what}: only a running Node pod can`,
    );
  }
  const child = managed.child;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish(
        new ClusterError(`pod ${spec.name} did not acknowledge ${what} within ${CONTROL_ACK_TIMEOUT_MS} ms`),
      );
    }, CONTROL_ACK_TIMEOUT_MS);
    const onMessage = (reply: unknown): void => {
      if (options.isAck(reply)) finish(undefined);
    };
    function finish(error: Error | undefined): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      if (error === undefined) {
        resolve();
      } else {
        reject(error);
      }
    }
    child.on('message', onMessage);
    child.send(options.message);
  });
}
