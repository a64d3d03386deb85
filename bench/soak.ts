/**
 * `npm run bench:soak`: sustained load on lbbench-proxy (1 worker) over 3 nginx pods, in one-minute windows of
 * wrk (autocannon without wrk). Reports RSS and open descriptors at the start (after a warm-up) and at the end,
 * the p99 of the first and the last minute, and a pass line: RSS grew less than 10 % from the end of the first
 * minute (the first half of a shorter run) and no descriptor leaked.
 * Usage: npm run bench:soak [-- --duration-s 180]   (default 600 s). Environment: BENCH_CONNECTIONS (50).
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { resolveProxyMain } from 'lbbench-proxy';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { ManagedChild } from '../src/backends/local/child-process.js';
import { stopChild } from '../src/backends/local/child-process.js';
import { createLocalBackend } from '../src/backends/local/local-backend.js';
import { parseClustersJson } from '../src/collect/parse-clusters-json.js';
import { SILENT_PROGRESS } from '../src/progress.js';
import { parseScenario } from '../src/scenario/parse-scenario.js';
import { hasProgram, startLbbenchProxy } from './bench-processes.js';
import type { LoadFigures } from './load-generators.js';
import { AUTOCANNON, WRK } from './load-generators.js';
import { readProcessRssKb } from './process-cpu.js';

const WINDOW_S = 60;
const WARMUP_S = 10;
const RSS_GROWTH_LIMIT = 0.1;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

function readDurationS(): number {
  const { values } = parseArgs({ options: { 'duration-s': { type: 'string', default: '600' } } });
  const durationS = Number(values['duration-s']);
  if (!Number.isInteger(durationS) || durationS < 2) {
    throw new Error(`--duration-s must be an integer ≥ 2 (seconds), got "${values['duration-s']}"`);
  }
  return durationS;
}

/**
 * Open descriptors of the proxy that are not pooled upstream connections (`cx_active` in /clusters): the pool
 * keeps idle connections open as Envoy does, and how many it holds follows the load, not a leak.
 */
async function countUnpooledFds(pid: number, adminUrl: string): Promise<number> {
  const response = await fetch(`${adminUrl}/clusters?format=json`);
  const pooled = parseClustersJson(await response.json())
    .flatMap((cluster) => cluster.hosts)
    .reduce((sum, host) => sum + host.counters.cx_active, 0);
  return readdirSync(`/proc/${pid}/fd`).length - pooled;
}

/** Splits the run into windows of a minute (two halves when the run is shorter than two minutes). */
function planWindowsS(durationS: number): number[] {
  if (durationS < 2 * WINDOW_S) return [Math.ceil(durationS / 2), Math.floor(durationS / 2)];
  const windows = Array.from({ length: Math.floor(durationS / WINDOW_S) }, () => WINDOW_S);
  const rest = durationS % WINDOW_S;
  // A short remainder joins the middle, so the first and the last window stay whole minutes.
  if (rest > 0) windows.splice(1, 0, rest);
  return windows;
}

async function main(): Promise<void> {
  const durationS = readDurationS();
  const generator = hasProgram('wrk') ? WRK : AUTOCANNON;
  const directory = await mkdtemp(path.join(os.tmpdir(), 'lbbench-soak-'));
  const scenario = parseScenario(
    'name: bench-soak\nreplicas: 3\npolicies: [ROUND_ROBIN]\nupstream: { server: nginx }\n',
    'bench/soak.ts',
  );
  const backend = createLocalBackend(scenario, {
    outDir: directory,
    progress: SILENT_PROGRESS,
    proxyEntry: resolveProxyMain(),
  });
  const signal = new AbortController().signal;
  let child: ManagedChild | undefined;
  try {
    await backend.up(signal);
    const upstreams = (await backend.pods(signal)).map((pod) => ({ ip: pod.ip, port: pod.port }));
    const [proxy, started] = await startLbbenchProxy(directory, upstreams, {
      concurrency: 1,
      cpuProfileDir: undefined,
    });
    child = started;
    await generator.run(proxy.url, { connections: CONNECTIONS, durationSeconds: WARMUP_S });
    await delay(500);
    const start = {
      rssKb: readProcessRssKb(proxy.pid),
      fds: await countUnpooledFds(proxy.pid, proxy.adminUrl),
    };
    console.log(
      `${generator.name}, ${CONNECTIONS} connections, ${durationS} s after a ${WARMUP_S} s warm-up, 3 nginx pods\n` +
        `start: RSS ${(start.rssKb / 1024).toFixed(1)} MiB, ${start.fds} open descriptors besides pooled upstream connections`,
    );
    const windows: LoadFigures[] = [];
    // RSS growth counts from the end of the first window: under sustained load V8's heap spaces and the
    // allocator's arenas keep growing for tens of seconds after a short warm-up, which is settling, not a leak.
    let baselineRssKb = start.rssKb;
    for (const windowS of planWindowsS(durationS)) {
      const figures = await generator.run(proxy.url, { connections: CONNECTIONS, durationSeconds: windowS });
      if (windows.length === 0) baselineRssKb = readProcessRssKb(proxy.pid);
      windows.push(figures);
      console.log(
        `  ${windowS} s: ${Math.round(figures.requestsPerSecond)} req/s, p99 ${figures.p99Ms.toFixed(2)} ms, ` +
          `RSS ${(readProcessRssKb(proxy.pid) / 1024).toFixed(1)} MiB, errors ${figures.errors}`,
      );
    }
    // The load generator's connections close as it exits; give the proxy a moment to see every FIN.
    let endFds = await countUnpooledFds(proxy.pid, proxy.adminUrl);
    for (let attempt = 0; attempt < 20 && endFds > start.fds; attempt++) {
      await delay(100);
      endFds = await countUnpooledFds(proxy.pid, proxy.adminUrl);
    }
    const endRssKb = readProcessRssKb(proxy.pid);
    const growth = endRssKb / baselineRssKb - 1;
    const first = windows[0];
    const last = windows.at(-1);
    console.log(
      `end: RSS ${(endRssKb / 1024).toFixed(1)} MiB (${(growth * 100).toFixed(1)} % over ` +
        `${(baselineRssKb / 1024).toFixed(1)} MiB at the end of the first window), ${endFds} open descriptors besides pooled ones\n` +
        `p99 first window ${first?.p99Ms.toFixed(2)} ms, last window ${last?.p99Ms.toFixed(2)} ms`,
    );
    const isPass = growth < RSS_GROWTH_LIMIT && endFds <= start.fds;
    console.log(
      `${isPass ? 'PASS' : 'FAIL'}: RSS grew ${(growth * 100).toFixed(1)} % after the first window (limit ${RSS_GROWTH_LIMIT * 100} %), ` +
        `descriptors ${start.fds} → ${endFds}`,
    );
    if (!isPass) process.exitCode = 1;
  } finally {
    if (child !== undefined) await stopChild(child, 2000);
    await backend.down();
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
