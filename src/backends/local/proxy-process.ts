import { readFile, rm } from 'node:fs/promises';

import { ProxyError, ToolMissingError } from '../../errors.js';
import type { CommandRunner } from '../exec.js';
import type { ChildExit, ManagedChild } from './child-process.js';
import { describeExit, readLogTail, spawnLogged, stopChild } from './child-process.js';
import { fetchAdmin, parseListenerPort } from './admin-client.js';
import { addTimeout, throwIfAborted } from '../../run/abort.js';
import { done, notYet, waitFor } from '../../run/wait.js';

/** How to start one proxy process. */
export interface ProxyLaunchSpec {
  /** The program and its leading arguments: `[node, <lbbench-proxy>/dist/main.js]` or a custom Envoy-compatible command. */
  readonly command: readonly string[];
  /** lbbench-proxy takes `--dns-server`, `--seed` and `--log-level`; a custom binary gets only Envoy's flags. */
  readonly isLbbenchProxy: boolean;
  readonly configPath: string;
  readonly adminAddressPath: string;
  readonly dnsServer: { readonly host: string; readonly port: number };
  readonly concurrency: number;
  readonly seed: number;
  readonly logPath: string;
}

/** A proxy that is running and LIVE. */
export interface RunningProxy {
  readonly pid: number;
  readonly adminUrl: string;
  readonly trafficUrl: string;
  readonly commandLine: string;
  /** Where its stdout and stderr go. */
  readonly logPath: string;
  readonly exited: Promise<ChildExit>;
  isRunning(): boolean;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
const STOP_GRACE_MS = 5_000;
const VERSION_TIMEOUT_MS = 10_000;

/** Builds the proxy's arguments after `command[0]` (Envoy's flags, plus lbbench-proxy's own). */
export function buildProxyArgs(spec: ProxyLaunchSpec): string[] {
  const common = ['-c', spec.configPath, '--admin-address-path', spec.adminAddressPath];
  const concurrency = ['--concurrency', String(spec.concurrency)];
  if (!spec.isLbbenchProxy) {
    return [...spec.command.slice(1), ...common, ...concurrency];
  }
  const dnsServer = `${spec.dnsServer.host}:${spec.dnsServer.port}`;
  return [
    ...spec.command.slice(1),
    ...common,
    ...concurrency,
    ...['--dns-server', dnsServer, '--seed', String(spec.seed), '--log-level', 'info'],
  ];
}

/**
 * Starts the proxy and waits until it is LIVE: its admin address appears in the `--admin-address-path` file,
 * `/listeners` gives the traffic port and `/ready` answers 200 `LIVE`. `onSpawn` learns the pid at once.
 * @throws ProxyError (with the log's tail) when it exits or does not get ready in time; ToolMissingError when
 * the program does not exist; AbortedError.
 */
export async function startProxyProcess(
  spec: ProxyLaunchSpec,
  signal: AbortSignal,
  onSpawn?: (pid: number) => void,
): Promise<RunningProxy> {
  const [file] = spec.command;
  if (file === undefined) {
    throw new ProxyError('the proxy command is empty');
  }
  await rm(spec.adminAddressPath, { force: true });
  const managed = await spawnLogged({
    file,
    args: buildProxyArgs(spec),
    logPath: spec.logPath,
    ipc: false,
  }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      throw new ToolMissingError(file, 'Install it, or fix proxy.command (--proxy-cmd) in the scenario.', {
        cause: error,
      });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProxyError(
      `the proxy \`${file}\` could not be started (${reason}). Check that it is an executable program, or fix proxy.command (--proxy-cmd).`,
      { cause: error },
    );
  });
  onSpawn?.(managed.pid);
  try {
    const adminUrl = await waitForStep(managed, signal, 'write its admin address', () =>
      readAdminUrl(spec.adminAddressPath),
    );
    const trafficPort = await waitForStep(managed, signal, 'list its listener', async () => {
      const response = await fetchAdmin(adminUrl, '/listeners?format=json', signal);
      return response?.status === 200 ? parseListenerPort(response.body) : undefined;
    });
    await waitForStep(managed, signal, 'report LIVE on /ready', async () => {
      const response = await fetchAdmin(adminUrl, '/ready', signal);
      return response?.status === 200 && response.body.trim() === 'LIVE' ? true : undefined;
    });
    return {
      pid: managed.pid,
      adminUrl,
      trafficUrl: `http://127.0.0.1:${trafficPort}`,
      commandLine: managed.commandLine,
      logPath: managed.logPath,
      exited: managed.exited,
      isRunning: () => !managed.hasExited(),
      stop: () => stopChild(managed, STOP_GRACE_MS),
    };
  } catch (error) {
    await stopChild(managed, STOP_GRACE_MS);
    throw error;
  }
}

/**
 * Runs `command --version` and returns the version, e.g. `lbbench-proxy/0.1.0/Clean/RELEASE/none` from
 * `lbbench-proxy version: …` or Envoy's `envoy  version: <sha>/1.31.0/Clean/RELEASE/BoringSSL`; the first output
 * line when it has no `version:`; `unknown` when the command fails or does not finish in time.
 * @throws AbortedError when `signal` aborts.
 */
export async function readProxyVersion(
  command: readonly string[],
  run: CommandRunner,
  signal?: AbortSignal,
): Promise<string> {
  const [file, ...args] = command;
  if (file === undefined) {
    return 'unknown';
  }
  try {
    const { stdout, stderr } = await run(file, [...args, '--version'], {
      signal: addTimeout(signal, VERSION_TIMEOUT_MS),
    });
    const output = `${stdout}\n${stderr}`;
    const line = output.split('\n').find((text) => text.trim() !== '');
    return /version:\s*(\S+)/.exec(output)?.[1] ?? line?.trim() ?? 'unknown';
  } catch {
    if (signal !== undefined) {
      throwIfAborted(signal);
    }
    return 'unknown';
  }
}

async function readAdminUrl(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const address = text.trim();
  return /^[^\s]+:\d+$/.test(address) ? `http://${address}` : undefined;
}

async function waitForStep<T>(
  managed: ManagedChild,
  signal: AbortSignal,
  step: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  return waitFor(
    async () => {
      const value = await probe();
      return value === undefined ? notYet(`it did not ${step} yet`) : done(value);
    },
    {
      what: `the proxy to ${step}`,
      timeoutMs: START_TIMEOUT_MS,
      intervalMs: POLL_MS,
      signal,
      assertAlive: async () => {
        if (managed.hasExited()) {
          const exit = describeExit(await managed.exited);
          throw await createProxyError(managed, `${exit} before it could ${step}`);
        }
      },
      createTimeoutError: () => createProxyError(managed, `did not ${step} within ${START_TIMEOUT_MS} ms`),
    },
  );
}

async function createProxyError(
  proxy: { readonly commandLine: string; readonly logPath: string },
  what: string,
): Promise<ProxyError> {
  const tail = (await readLogTail(proxy.logPath)).trim();
  return new ProxyError(`the proxy \`${proxy.commandLine}\` ${what}. Log ${proxy.logPath}:\n${tail}`);
}
