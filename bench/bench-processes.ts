import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ManagedChild } from '../src/backends/local/child-process.js';
import { spawnLogged, stopChild } from '../src/backends/local/child-process.js';
import { resolveProxyMain } from 'lbbench-proxy';
import { canConnect } from '../src/backends/local/can-connect.js';
import { findFreePort } from '../src/backends/local/free-port.js';
import { done, notYet, waitFor } from '../src/run/wait.js';
import { renderLbbenchProxyConfig } from './proxy-configs.js';
import type { UpstreamAddress } from './proxy-configs.js';

/** A proxy under benchmark. */
export interface Contender {
  readonly name: string;
  readonly url: string;
  /** The process whose CPU time the requests cost. */
  readonly pid: number;
}

/** A started lbbench-proxy: a contender with an admin interface. */
export interface LbbenchContender extends Contender {
  readonly adminUrl: string;
}

/** Whether `name` is on PATH. */
export function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Spawns a server and waits until it accepts connections on 127.0.0.1:`port`. */
export async function startListening(
  name: string,
  file: string,
  args: readonly string[],
  port: number,
  logPath: string,
): Promise<ManagedChild> {
  const child = await spawnLogged({ file, args, logPath, ipc: false });
  try {
    await waitFor(
      async () => ((await canConnect('127.0.0.1', port)) ? done(true) : notYet('not listening')),
      {
        what: `${name} to listen on 127.0.0.1:${port} (see ${logPath})`,
        timeoutMs: 10_000,
        intervalMs: 50,
        signal: undefined,
      },
    );
  } catch (error) {
    await stopChild(child, 2000);
    throw error;
  }
  return child;
}

/** Starts lbbench-proxy from dist/ over the pods (a STATIC cluster) with `concurrency` workers. */
export async function startLbbenchProxy(
  directory: string,
  upstreams: readonly UpstreamAddress[],
  options: { readonly concurrency: number; readonly cpuProfileDir: string | undefined },
): Promise<[LbbenchContender, ManagedChild]> {
  const { concurrency, cpuProfileDir } = options;
  const port = await findFreePort('127.0.0.1');
  const adminPort = await findFreePort('127.0.0.1');
  const config = path.join(directory, `lbbench-proxy-${concurrency}.yaml`);
  await writeFile(config, renderLbbenchProxyConfig(port, adminPort, upstreams));
  const profiling = cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir];
  const child = await startListening(
    'lbbench-proxy',
    process.execPath,
    [...profiling, resolveProxyMain(), '-c', config, '--concurrency', String(concurrency), '--seed', '1'],
    port,
    path.join(directory, `lbbench-proxy-${concurrency}.log`),
  );
  const workers = concurrency === 1 ? '1 worker' : `${concurrency} workers`;
  return [
    {
      name: `lbbench-proxy (ROUND_ROBIN, ${workers})`,
      url: `http://127.0.0.1:${port}/`,
      pid: child.pid,
      adminUrl: `http://127.0.0.1:${adminPort}`,
    },
    child,
  ];
}
