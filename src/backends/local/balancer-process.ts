import { ProxyError, ToolMissingError } from '../../errors.js';
import { done, notYet, waitFor } from '../../run/wait.js';
import { canConnect } from './can-connect.js';
import type { ChildExit, ManagedChild } from './child-process.js';
import { describeExit, readLogTail, spawnLogged, stopChild } from './child-process.js';

/** A HAProxy or nginx row balancer running as a child process of the local backend. */
export interface RunningBalancer {
  readonly pid: number;
  readonly commandLine: string;
  readonly logPath: string;
  readonly trafficUrl: string;
  readonly exited: Promise<ChildExit>;
  isRunning(): boolean;
  stop(): Promise<void>;
}

/** How to start one balancer process and when it counts as started. */
export interface BalancerLaunch {
  /** The row, for messages, e.g. `haproxy:leastconn`. */
  readonly row: string;
  /** The Debian package that has the program, for the missing-program message. */
  readonly debianPackage: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly logPath: string;
  readonly traffic: { readonly host: string; readonly port: number };
  /** Answers once the balancer serves what it must (its stats page, its config generation). */
  readonly isReady: () => Promise<boolean>;
}

const START_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
const STOP_GRACE_MS = 5_000;

/**
 * Starts a balancer and waits until its traffic port accepts connections and `isReady` holds. `onSpawn` learns the
 * pid at once (for the reaper).
 * @throws ToolMissingError naming the row and the package when the program does not exist; ProxyError with the
 * log's tail when it exits or is not ready in time; AbortedError.
 */
export async function startBalancerProcess(
  launch: BalancerLaunch,
  signal: AbortSignal,
  onSpawn?: (pid: number) => void,
): Promise<{ readonly running: RunningBalancer; readonly managed: ManagedChild }> {
  const managed = await spawnLogged({
    file: launch.file,
    args: launch.args,
    logPath: launch.logPath,
    ipc: false,
  }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      throw createMissingProgramError(launch.row, launch.file, launch.debianPackage, { cause: error });
    }
    throw new ProxyError(`row ${launch.row}: \`${launch.file}\` could not be started`, { cause: error });
  });
  onSpawn?.(managed.pid);
  try {
    await waitFor(
      async () => {
        const isUp = (await canConnect(launch.traffic.host, launch.traffic.port)) && (await launch.isReady());
        return isUp ? done(true) : notYet('not serving yet');
      },
      {
        what: `${launch.file} (row ${launch.row}) to serve`,
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: POLL_MS,
        signal,
        assertAlive: async () => {
          if (managed.hasExited()) {
            throw await createStartError(managed, `${describeExit(await managed.exited)} at start`);
          }
        },
        createTimeoutError: () => createStartError(managed, `did not serve within ${START_TIMEOUT_MS} ms`),
      },
    );
  } catch (error) {
    await stopChild(managed, STOP_GRACE_MS);
    throw error;
  }
  const running: RunningBalancer = {
    pid: managed.pid,
    commandLine: managed.commandLine,
    logPath: managed.logPath,
    trafficUrl: `http://${launch.traffic.host}:${launch.traffic.port}`,
    exited: managed.exited,
    isRunning: () => !managed.hasExited(),
    stop: () => stopChild(managed, STOP_GRACE_MS),
  };
  return { running, managed };
}

/** The error for a row whose balancer program is not installed: names the row, the program and the package. */
export function createMissingProgramError(
  row: string,
  program: string,
  debianPackage: string,
  options?: ErrorOptions,
): ToolMissingError {
  return new ToolMissingError(
    program,
    `Row ${row} runs it on the local backend: install it (e.g. \`apt-get install ${debianPackage}\`) or remove the row.`,
    options,
  );
}

async function createStartError(managed: ManagedChild, what: string): Promise<ProxyError> {
  const tail = (await readLogTail(managed.logPath)).trim();
  return new ProxyError(`\`${managed.commandLine}\` ${what}. Log ${managed.logPath}:\n${tail}`);
}
