import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/** How a child process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process whose stdout and stderr go to a log file, and whose exit is observable. */
export interface ManagedChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The command line, for messages. */
  readonly commandLine: string;
  readonly logPath: string;
  readonly exited: Promise<ChildExit>;
  hasExited(): boolean;
}

/** What to start. */
export interface SpawnLoggedOptions {
  readonly file: string;
  readonly args: readonly string[];
  /** stdout and stderr are appended here. */
  readonly logPath: string;
  /** Open an IPC channel (Node children only). */
  readonly ipc: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

const DEFAULT_TAIL_BYTES = 4_000;

/**
 * Starts a child with stdout and stderr appended to `logPath` (no pipe through this process, so a chatty child
 * never blocks on a full pipe).
 * @throws Error from spawn itself (e.g. ENOENT) when the program cannot be started.
 */
export async function spawnLogged(options: SpawnLoggedOptions): Promise<ManagedChild> {
  const logFd = openSync(options.logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.file, [...options.args], {
      stdio: options.ipc ? ['ignore', logFd, logFd, 'ipc'] : ['ignore', logFd, logFd],
      env: options.env ?? process.env,
    });
  } finally {
    closeSync(logFd);
  }
  let exitInfo: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      resolve();
    });
  });
  // A later 'error' (a failed kill or IPC send) must not crash the harness: its effect shows up as an exit or a
  // reply that does not come, which the callers wait for.
  child.on('error', () => undefined);
  if (child.pid === undefined) {
    throw new Error(`${options.file} started without a pid`);
  }
  return {
    child,
    pid: child.pid,
    commandLine: [options.file, ...options.args].join(' '),
    logPath: options.logPath,
    exited,
    hasExited: () => exitInfo !== undefined,
  };
}

/** Stops a child by its own pid: SIGTERM, then SIGKILL when it is still alive after `graceMs`. */
export async function stopChild(managed: ManagedChild, graceMs: number): Promise<void> {
  if (managed.hasExited()) {
    return;
  }
  managed.child.kill('SIGTERM');
  if (!(await waitForExit(managed, graceMs))) {
    managed.child.kill('SIGKILL');
  }
  await managed.exited;
}

/** Waits up to `timeoutMs` for a child to exit; returns whether it did. */
export async function waitForExit(managed: ManagedChild, timeoutMs: number): Promise<boolean> {
  if (managed.hasExited()) {
    return true;
  }
  const ac = new AbortController();
  const outcome = await Promise.race([
    managed.exited.then(() => true),
    delay(timeoutMs, false, { signal: ac.signal }).catch(() => true),
  ]);
  ac.abort();
  return outcome;
}

/** Kills a child at once with SIGKILL (a crashed container) and waits until it is gone. */
export async function killChild(managed: ManagedChild): Promise<ChildExit> {
  if (!managed.hasExited()) {
    managed.child.kill('SIGKILL');
  }
  return managed.exited;
}

/** Describes an exit for messages, e.g. `exited with code 1` or `was killed by SIGKILL`. */
export function describeExit(exit: ChildExit): string {
  return exit.signal === null ? `exited with code ${String(exit.code)}` : `was killed by ${exit.signal}`;
}

/** Returns the last `maxBytes` of a log file ('' when it cannot be read). */
export async function readLogTail(path: string, maxBytes = DEFAULT_TAIL_BYTES): Promise<string> {
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}
