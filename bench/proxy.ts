/**
 * `npm run bench:proxy`: lbbench-proxy against HAProxy and nginx-as-a-proxy, over the same nginx pods, with the
 * same load generator, in one run, alternating the proxies round after round so drift hits all of them alike.
 * Prints requests/s, p50 and p99 of each and the ratio lbbench-proxy / HAProxy.
 * Environment: BENCH_DURATION_S (default 10), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 50).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ManagedChild } from '../src/backends/local/child-process.js';
import { spawnLogged, stopChild } from '../src/backends/local/child-process.js';
import { createLocalBackend } from '../src/backends/local/local-backend.js';
import { findFreePort } from '../src/backends/local/local-pods.js';
import { findNginx } from '../src/backends/local/upstream-server.js';
import { canConnect, pollUntil } from '../src/backends/local/wait.js';
import { getProxyEntry } from '../src/package-root.js';
import { SILENT_PROGRESS } from '../src/progress.js';
import { parseScenario } from '../src/scenario/parse-scenario.js';
import { getMedian } from '../src/stats/percentile.js';
import type { LoadFigures, LoadGenerator } from './load-generators.js';
import { AUTOCANNON, WRK } from './load-generators.js';
import { renderHaproxyConfig, renderNginxProxyConfig } from './proxy-configs.js';
import type { UpstreamAddress } from './proxy-configs.js';

const DURATION_S = readPositiveInteger('BENCH_DURATION_S', 10);
const ROUNDS = readPositiveInteger('BENCH_ROUNDS', 3);
const CONNECTIONS = readPositiveInteger('BENCH_CONNECTIONS', 50);
const WARMUP_S = 2;

function readPositiveInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be an integer ≥ 1, got "${text}"`);
  return value;
}

interface Contender {
  readonly name: string;
  readonly url: string;
}

function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function startListening(
  name: string,
  file: string,
  args: readonly string[],
  port: number,
  logPath: string,
): Promise<ManagedChild> {
  const child = await spawnLogged({ file, args, logPath, ipc: false });
  const isUp = await pollUntil(async () => ((await canConnect('127.0.0.1', port)) ? true : undefined), {
    timeoutMs: 10_000,
    intervalMs: 50,
    signal: new AbortController().signal,
  });
  if (isUp === undefined) {
    await stopChild(child, 2000);
    throw new Error(`${name} did not listen on 127.0.0.1:${port}; see ${logPath}`);
  }
  return child;
}

async function startHaproxy(
  directory: string,
  upstreams: readonly UpstreamAddress[],
): Promise<[Contender, ManagedChild]> {
  const port = await findFreePort('127.0.0.1');
  const config = path.join(directory, 'haproxy.cfg');
  await writeFile(config, renderHaproxyConfig(port, upstreams));
  const child = await startListening(
    'haproxy',
    'haproxy',
    ['-f', config, '-db'],
    port,
    path.join(directory, 'haproxy.log'),
  );
  return [{ name: 'HAProxy (1 thread, roundrobin)', url: `http://127.0.0.1:${port}/` }, child];
}

async function startNginxProxy(
  directory: string,
  nginx: string,
  upstreams: readonly UpstreamAddress[],
): Promise<[Contender, ManagedChild]> {
  const port = await findFreePort('127.0.0.1');
  const prefix = path.join(directory, 'nginx-proxy');
  await mkdir(prefix, { recursive: true });
  const config = path.join(prefix, 'nginx.conf');
  await writeFile(config, renderNginxProxyConfig({ listenPort: port, upstreams, directory: prefix }));
  const child = await startListening(
    'nginx',
    nginx,
    ['-p', prefix, '-c', config],
    port,
    path.join(directory, 'nginx-proxy.log'),
  );
  return [{ name: 'nginx proxy (1 worker, keepalive)', url: `http://127.0.0.1:${port}/` }, child];
}

function formatRow(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, index) => (index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0)))
    .join('  ');
}

async function measureAll(
  contenders: readonly Contender[],
  generator: LoadGenerator,
): Promise<Map<string, LoadFigures[]>> {
  const figures = new Map<string, LoadFigures[]>(contenders.map((contender) => [contender.name, []]));
  // One untimed run each first: connection pools open and the JIT settles before anything is measured.
  for (const contender of contenders)
    await generator.run(contender.url, { connections: CONNECTIONS, durationSeconds: WARMUP_S });
  for (let round = 1; round <= ROUNDS; round++) {
    for (const contender of contenders) {
      const result = await generator.run(contender.url, {
        connections: CONNECTIONS,
        durationSeconds: DURATION_S,
      });
      figures.get(contender.name)?.push(result);
      console.error(
        `round ${round}/${ROUNDS} ${contender.name}: ${Math.round(result.requestsPerSecond)} req/s`,
      );
    }
  }
  return figures;
}

function printTable(contenders: readonly Contender[], figures: ReadonlyMap<string, LoadFigures[]>): void {
  const rows = contenders.map((contender) => {
    const runs = figures.get(contender.name) ?? [];
    return {
      name: contender.name,
      rps: getMedian(runs.map((run) => run.requestsPerSecond)),
      p50: getMedian(runs.map((run) => run.p50Ms)),
      p99: getMedian(runs.map((run) => run.p99Ms)),
      errors: runs.reduce((sum, run) => sum + run.errors, 0),
    };
  });
  const widths = [Math.max(...rows.map((row) => row.name.length)), 10, 9, 9, 7];
  console.log(formatRow(['proxy', 'req/s', 'p50 ms', 'p99 ms', 'errors'], widths));
  for (const row of rows) {
    console.log(
      formatRow(
        [row.name, row.rps.toFixed(0), row.p50.toFixed(2), row.p99.toFixed(2), String(row.errors)],
        widths,
      ),
    );
  }
  const lbbench = rows.find((row) => row.name.startsWith('lbbench-proxy'));
  const haproxy = rows.find((row) => row.name.startsWith('HAProxy'));
  if (lbbench !== undefined && haproxy !== undefined) {
    console.log(
      `\nlbbench-proxy / HAProxy = ${(lbbench.rps / haproxy.rps).toFixed(2)} (requests/s, medians of ${ROUNDS} rounds)`,
    );
  }
}

async function main(): Promise<void> {
  const nginx = await findNginx();
  if (nginx === undefined) throw new Error('nginx is needed for the upstream pods: apt-get install nginx');
  const generator = hasProgram('wrk') ? WRK : AUTOCANNON;
  const directory = await mkdtemp(path.join(os.tmpdir(), 'lbbench-bench-'));
  const scenario = parseScenario(
    'name: bench-proxy\nreplicas: 3\npolicies: [ROUND_ROBIN]\nupstream: { server: nginx }\nproxy: { concurrency: 1 }\n',
    'bench/proxy.ts',
  );
  const backend = createLocalBackend(scenario, {
    outDir: directory,
    progress: SILENT_PROGRESS,
    proxyEntry: getProxyEntry(),
    seed: 1,
  });
  const children: ManagedChild[] = [];
  const signal = new AbortController().signal;
  try {
    await backend.up(signal);
    const endpoints = await backend.deployProxy({ policy: 'ROUND_ROBIN', seed: 1 }, signal);
    const upstreams = (await backend.pods(signal)).map((pod) => ({ ip: pod.ip, port: pod.port }));
    const contenders: Contender[] = [];
    if (hasProgram('haproxy')) {
      const [contender, child] = await startHaproxy(directory, upstreams);
      contenders.push(contender);
      children.push(child);
    } else console.error('haproxy is not installed (apt-get install haproxy): no reference, no ratio');
    const [nginxContender, nginxChild] = await startNginxProxy(directory, nginx, upstreams);
    contenders.push(nginxContender, {
      name: 'lbbench-proxy (ROUND_ROBIN, 1 worker)',
      url: `${endpoints.trafficUrl}/`,
    });
    children.push(nginxChild);
    console.log(
      `${generator.name}, ${CONNECTIONS} connections, ${DURATION_S} s × ${ROUNDS} rounds per proxy, ` +
        `3 nginx pods (${upstreams.map((upstream) => `${upstream.ip}:${upstream.port}`).join(', ')}), ${os.cpus().length} cores\n`,
    );
    printTable(contenders, await measureAll(contenders, generator));
  } finally {
    await Promise.all(children.map((child) => stopChild(child, 2000)));
    await backend.down();
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
