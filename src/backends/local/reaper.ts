import { ClusterError } from '../../errors.js';
import type { ManagedChild } from './child-process.js';
import { describeExit, readLogTail, spawnLogged, stopChild, waitForExit } from './child-process.js';
import type { ReaperMessage } from './reaper-protocol.js';
import { isReaperReadyMessage } from './reaper-protocol.js';

/** The harness side of the orphan reaper (`reaper-main.ts`). */
export interface Reaper {
  readonly pid: number;
  /** Kill `pid` if the harness dies before it calls {@link Reaper.unwatch}. */
  watch(pid: number): void;
  unwatch(pid: number): void;
  /** Closes the channel: the reaper SIGKILLs whatever is still watched, then exits. */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 2_000;
const READY_TIMEOUT_MS = 10_000;

/**
 * Starts the reaper from its compiled entry and waits until it listens. Its IPC channel does not keep this
 * process alive (unref), and closes by itself when this process dies, which is what triggers the reaping.
 * @throws ClusterError when the reaper exits or stays silent instead of reporting ready.
 */
export async function startReaper(entry: string, logPath: string): Promise<Reaper> {
  const managed = await spawnLogged({ file: process.execPath, args: [entry], logPath, ipc: true });
  try {
    await waitUntilReady(managed);
  } catch (error) {
    await stopChild(managed, 0);
    throw error;
  }
  managed.child.channel?.unref();
  return {
    pid: managed.pid,
    watch: (pid) => {
      send(managed, { type: 'watch', pid });
    },
    unwatch: (pid) => {
      send(managed, { type: 'unwatch', pid });
    },
    close: async () => {
      if (managed.child.connected) {
        managed.child.disconnect();
      }
      if (!(await waitForExit(managed, CLOSE_GRACE_MS))) {
        await stopChild(managed, CLOSE_GRACE_MS);
      }
    },
  };
}

/**
 * Runs `start` with an `onSpawn` that makes the reaper watch the new pid, and unwatches that pid again when
 * `start` fails (the start functions stop their child before they reject).
 */
export async function startWatched<T>(
  reaper: Reaper,
  start: (onSpawn: (pid: number) => void) => Promise<T>,
): Promise<T> {
  let spawnedPid: number | undefined;
  try {
    return await start((pid) => {
      spawnedPid = pid;
      reaper.watch(pid);
    });
  } catch (error) {
    if (spawnedPid !== undefined) {
      reaper.unwatch(spawnedPid);
    }
    throw error;
  }
}

async function waitUntilReady(managed: ManagedChild): Promise<void> {
  let onMessage: ((message: unknown) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<'ready'>((resolve) => {
    onMessage = (message) => {
      if (isReaperReadyMessage(message)) {
        resolve('ready');
      }
    };
    managed.child.on('message', onMessage);
  });
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, READY_TIMEOUT_MS);
  });
  const outcome = await Promise.race([ready, timeout, managed.exited]);
  clearTimeout(timer);
  if (onMessage !== undefined) {
    managed.child.off('message', onMessage);
  }
  if (outcome !== 'ready') {
    const what =
      outcome === 'timeout' ? `did not report ready within ${READY_TIMEOUT_MS} ms` : describeExit(outcome);
    const tail = (await readLogTail(managed.logPath)).trim();
    throw new ClusterError(
      `the orphan reaper (\`${managed.commandLine}\`) ${what}. Log ${managed.logPath}:\n${tail}`,
    );
  }
}

function send(managed: ManagedChild, message: ReaperMessage): void {
  if (managed.child.connected) {
    managed.child.send(message);
  }
}
