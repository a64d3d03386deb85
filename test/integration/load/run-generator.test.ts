import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it, onTestFinished } from 'vitest';

import { AbortedError } from '../../../src/errors.js';
import type { GeneratorConfig } from '../../../src/load/generator-args.js';
import { buildGeneratorArgs } from '../../../src/load/generator-args.js';
import { readGeneratorReport } from '../../../src/load/read-generator-report.js';
import type { GeneratorEvent } from '../../../src/load/run-generator.js';
import { runGenerator } from '../../../src/load/run-generator.js';
import { getGeneratorEntry } from '../../../src/load/run-local-generators.js';
import type { PodLikeServer } from '../../support/pod-like-server.js';
import { startPodLikeServer } from '../../support/pod-like-server.js';

async function startServer(): Promise<PodLikeServer> {
  const server = await startPodLikeServer({ podNames: ['myapp-a', 'myapp-b'] });
  onTestFinished(() => server.close());
  return server;
}

function served(server: PodLikeServer): number {
  return [...server.served.values()].reduce((sum, count) => sum + count, 0);
}

function createConfig(url: string, overrides: Partial<GeneratorConfig> = {}): GeneratorConfig {
  return {
    url,
    load: {
      connections: 3,
      durationMs: 800,
      warmupMs: 0,
      rateRps: undefined,
      timeoutMs: 5000,
      path: '/',
      generators: 1,
    },
    headers: {},
    podHeader: 'x-upstream-pod',
    generatorIndex: 0,
    generatorCount: 1,
    startAtMs: Date.now(),
    outputPath: undefined,
    ...overrides,
  };
}

describe('runGenerator', () => {
  it('waits for the start time after its warm-up, sends nothing meanwhile, and stops at start + duration', async () => {
    const server = await startServer();
    const startAtMs = Date.now() + 1500;
    const events: GeneratorEvent[] = [];
    let servedAtReady = -1;
    const report = await runGenerator({
      config: createConfig(server.url, {
        startAtMs,
        load: {
          connections: 3,
          durationMs: 800,
          warmupMs: 300,
          rateRps: undefined,
          timeoutMs: 5000,
          path: '/',
          generators: 1,
        },
      }),
      signal: new AbortController().signal,
      onEvent: (event) => {
        events.push(event);
        if (event.event === 'ready') servedAtReady = served(server);
      },
    });
    expect(events.map((event) => event.event).filter((name) => name !== 'tick')).toEqual([
      'ready',
      'measure-start',
    ]);
    // Everything served after the warm-up belongs to the measured window, which began at the start time.
    expect(served(server) - servedAtReady).toBe(report.counts.responses);
    expect(report.startAtMs).toBe(startAtMs);
    expect(report.measureStartMs).toBeGreaterThanOrEqual(startAtMs);
    // It stops at the common end, start + duration, give or take autocannon's 100 ms sample tick and the drain.
    expect(report.measureEndMs).toBeGreaterThanOrEqual(startAtMs + 800);
    expect(report.measureEndMs).toBeLessThan(startAtMs + 800 + 1000);
    expect(report.counts.responses).toBeGreaterThan(0);
  });

  it('still stops at the common end when it starts late', async () => {
    const server = await startServer();
    const startAtMs = Date.now() - 400;
    const report = await runGenerator({
      config: createConfig(server.url, { startAtMs }),
      signal: new AbortController().signal,
    });
    expect(report.measureStartMs - startAtMs).toBeGreaterThanOrEqual(400);
    expect(report.measureEndMs).toBeLessThan(startAtMs + 800 + 1000);
  });

  it('stops waiting for the start time when the signal aborts', async () => {
    const server = await startServer();
    const controller = new AbortController();
    const running = runGenerator({
      config: createConfig(server.url, { startAtMs: Date.now() + 60_000 }),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.event === 'ready') controller.abort(new Error('test abort'));
      },
    });
    await expect(running).rejects.toBeInstanceOf(AbortedError);
    expect(served(server)).toBe(0);
  });
});

describe('generator-main.js', () => {
  it('writes one valid report to --output and JSON events to stderr', async () => {
    const server = await startServer();
    const dir = await mkdtemp(join(tmpdir(), 'lbbench-generator-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const outputPath = join(dir, 'report.json');
    const args = buildGeneratorArgs(
      createConfig(server.url, {
        startAtMs: Date.now() + 1000,
        generatorIndex: 1,
        generatorCount: 2,
        outputPath,
      }),
    );
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [getGeneratorEntry(), ...args]);
    expect(stdout).toBe('');
    const events = stderr
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { event: string }).event);
    expect(events.filter((name) => name !== 'tick')).toEqual(['ready', 'measure-start', 'done']);
    const report = readGeneratorReport(JSON.parse(await readFile(outputPath, 'utf8')), 'generator 2');
    expect(report).toMatchObject({ generatorIndex: 1, generatorCount: 2, connections: 1 });
    expect(report.counts.responses).toBe(served(server));
  });

  it('reads the start time from stdin with --start-at stdin and reports on stdout', async () => {
    const server = await startServer();
    const args = buildGeneratorArgs(createConfig(server.url, { startAtMs: 'stdin' }));
    const child = spawn(process.execPath, [getGeneratorEntry(), ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    let sentAtMs = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      if (sentAtMs === 0 && chunk.toString().includes('"ready"')) {
        sentAtMs = Date.now() + 300;
        child.stdin.end(`${sentAtMs}\n`);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    const report = readGeneratorReport(JSON.parse(Buffer.concat(chunks).toString('utf8')), 'generator 1');
    expect(report.startAtMs).toBe(sentAtMs);
    expect(report.measureStartMs).toBeGreaterThanOrEqual(sentAtMs);
  });

  it.each([
    [['--url', 'http://127.0.0.1:1'], 2, /"category":"usage".*--connections is required/],
    [['--help'], 0, /^$/],
  ])('exits %j with code %i', async (argv, expectedCode, stderrPattern) => {
    const outcome = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [getGeneratorEntry(), ...argv], (error, _out, stderr) => {
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stderr });
      });
    });
    expect(outcome.code).toBe(expectedCode);
    expect(outcome.stderr.trim()).toMatch(stderrPattern);
  });
});
