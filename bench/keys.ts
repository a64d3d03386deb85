/**
 * `npm run bench:keys`: what sending keys (`load.keys`) costs the load generator. One autocannon generator (run in
 * this process, as generator-main.js runs it) drives a tiny Node server in a child process, alternating rounds
 * without keys and with zipf keys (1000 keys, exponent 1.1, tallied key → pod), and prints req/s and the
 * generator's CPU µs per response (this process's user + system time over its responses) of each.
 * Environment: BENCH_DURATION_S (default 5), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 50).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { runGenerator } from '../src/load/run-generator.js';
import type { KeySpec, LoadSpec } from '../src/scenario/types.js';
import { getMedian } from '../src/stats/percentile.js';

const DURATION_S = readPositiveInteger('BENCH_DURATION_S', 5);
const ROUNDS = readPositiveInteger('BENCH_ROUNDS', 3);
const CONNECTIONS = readPositiveInteger('BENCH_CONNECTIONS', 50);
const KEYS: KeySpec = { header: 'x-user-id', count: 1000, distribution: 'zipf', exponent: 1.1 };
const SERVER = `
const http = require('node:http');
const server = http.createServer((request, response) => {
  response.writeHead(200, { 'x-upstream-pod': 'pod-' + (request.headers['x-user-id'] || 'none').length % 3 });
  response.end('ok');
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

function readPositiveInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be an integer ≥ 1, got "${text}"`);
  return value;
}

interface RoundFigures {
  readonly rps: number;
  readonly cpuUsPerResponse: number;
}

async function runRound(url: string, keys: KeySpec | undefined): Promise<RoundFigures> {
  const load: LoadSpec = {
    connections: CONNECTIONS,
    durationMs: DURATION_S * 1000,
    warmupMs: 1000,
    rateRps: undefined,
    timeoutMs: 10_000,
    path: '/',
    generators: 1,
    keys,
  };
  const before = process.cpuUsage();
  const report = await runGenerator({
    config: {
      url,
      load,
      headers: {},
      podHeader: 'x-upstream-pod',
      generatorIndex: 0,
      generatorCount: 1,
      startAtMs: Date.now() + load.warmupMs + 200,
      outputPath: undefined,
      keyDraw: { runSeed: 1, periodBoundariesMs: [Math.floor(load.durationMs / 2)] },
    },
    signal: new AbortController().signal,
  });
  const cpu = process.cpuUsage(before);
  const durationS = (report.measureEndMs - report.measureStartMs) / 1000;
  return {
    rps: report.counts.responses / durationS,
    // The warm-up's CPU counts too: spread over the measured responses it slightly overstates both alike.
    cpuUsPerResponse: (cpu.user + cpu.system) / report.counts.responses,
  };
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [chunk] = (await once(server.stdout, 'data')) as [Buffer];
    const url = `http://127.0.0.1:${chunk.toString().trim()}`;
    const plain: RoundFigures[] = [];
    const keyed: RoundFigures[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      plain.push(await runRound(url, undefined));
      keyed.push(await runRound(url, KEYS));
    }
    const summarize = (label: string, rounds: readonly RoundFigures[]): string =>
      `${label.padEnd(22)} ${getMedian(rounds.map((r) => r.rps))
        .toFixed(0)
        .padStart(8)} req/s  ` +
      `${getMedian(rounds.map((r) => r.cpuUsPerResponse))
        .toFixed(1)
        .padStart(6)} CPU µs/response`;
    process.stdout.write(
      `autocannon generator, ${CONNECTIONS} connections, ${DURATION_S} s × ${ROUNDS} rounds (medians)\n` +
        `${summarize('no keys', plain)}\n${summarize('zipf keys (1000, 1.1)', keyed)}\n`,
    );
  } finally {
    server.kill();
  }
}

await main();
