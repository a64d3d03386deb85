import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { describe, expect, it, onTestFinished } from 'vitest';

import { AbortedError, LbbenchError } from '../../../src/errors.js';
import type { LoadTick } from '../../../src/load/autocannon-phase.js';
import { runLocalGenerators } from '../../../src/load/run-local-generators.js';
import type { LoadSpec } from '../../../src/scenario/types.js';
import type { PodLikeServer, PodLikeServerOptions } from '../../support/pod-like-server.js';
import { startPodLikeServer } from '../../support/pod-like-server.js';

const PODS = ['myapp-a', 'myapp-b', 'myapp-c'];

const baseLoad: LoadSpec = {
  connections: 4,
  durationMs: 1000,
  warmupMs: 0,
  rateRps: undefined,
  timeoutMs: 5000,
  path: '/',
  generators: 1,
};

async function startServer(options: Partial<PodLikeServerOptions> = {}): Promise<PodLikeServer> {
  const server = await startPodLikeServer({ podNames: PODS, ...options });
  onTestFinished(() => server.close());
  return server;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** A server whose answers take 30 ms, so requests are in flight whenever a window ends. */
async function startSlowServer(): Promise<{ readonly url: string; readonly received: () => number }> {
  let received = 0;
  const server = createServer((_request, response) => {
    received++;
    setTimeout(() => {
      response.writeHead(200, { 'x-upstream-pod': 'slow' }).end('ok');
    }, 30);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received: () => received };
}

describe('runLocalGenerators', () => {
  it('measures a closed-loop run whose counts add up, with µs latency and the pods tallied from the header', async () => {
    const server = await startServer();
    const record = await runLocalGenerators({
      url: server.url,
      load: baseLoad,
      podHeader: 'x-upstream-pod',
      signal: new AbortController().signal,
    });
    expect(record.mode).toBe('closed');
    expect(record.connections).toBe(4);
    expect(record.status2xx).toBeGreaterThan(0);
    expect(record.responses).toBe(record.status2xx + record.non2xx);
    expect(sum(Object.values(record.podTally))).toBe(record.status2xx);
    expect(Object.keys(record.podTally).sort()).toEqual(PODS);
    expect(record.untallied).toBe(0);
    expect(record.errors).toBe(0);
    expect(record.latencySamples).toBe(record.status2xx);
    expect(record.requestsSent).toBeGreaterThanOrEqual(record.responses);
    expect(record.latency.resolutionMs).toBe(0.001);
    // A whole-millisecond histogram would give whole numbers only.
    const { minMs, p50Ms, p90Ms, p99Ms, maxMs } = record.latency;
    expect([minMs, p50Ms, p90Ms, p99Ms, maxMs].every(Number.isInteger)).toBe(false);
    expect(record.latency.minMs).toBeLessThanOrEqual(record.latency.p50Ms);
    expect(record.latency.p50Ms).toBeLessThanOrEqual(record.latency.p99Ms);
    expect(record.latency.p99Ms).toBeLessThanOrEqual(record.latency.maxMs);
    expect(record.client).toMatchObject({ path: 'local-process', generators: 1 });
    expect(record.generator).toMatch(/^autocannon \d+\.\d+\.\d+, closed loop, 4 connections, pipelining 1/);
  });

  it.each([1, 3])(
    'stops gracefully with %i generator(s): every request the server received is answered and counted',
    async (generators) => {
      const server = await startSlowServer();
      const record = await runLocalGenerators({
        url: server.url,
        load: { ...baseLoad, connections: 8, generators },
        podHeader: 'x-upstream-pod',
        signal: new AbortController().signal,
      });
      expect(record.responses).toBe(server.received());
      expect(record.podTally).toEqual({ slow: server.received() });
      expect(record.latencySamples).toBe(server.received());
      expect(record.connections).toBe(8);
      expect(record.client?.generators).toBe(generators);
    },
  );

  it('counts answers without the pod header as untallied non-2xx, over 2 generators', async () => {
    const server = await startServer({ failEvery: 5 });
    const record = await runLocalGenerators({
      url: server.url,
      load: { ...baseLoad, generators: 2 },
      podHeader: 'X-Upstream-Pod',
      signal: new AbortController().signal,
    });
    expect(record.non2xx).toBeGreaterThan(0);
    expect(record.untallied).toBe(record.non2xx);
    expect(sum(Object.values(record.podTally)) + record.untallied).toBe(record.responses);
    expect(record.responses).toBe(sum(server.served.values()));
  });

  it('runs every warm-up first, calls onMeasureStart once when all are idle, and counts only the window', async () => {
    const server = await startServer();
    const events: string[] = [];
    let servedAtMeasureStart = 0;
    const ticks: LoadTick[] = [];
    const record = await runLocalGenerators({
      url: server.url,
      load: { ...baseLoad, warmupMs: 1500, generators: 2 },
      podHeader: 'x-upstream-pod',
      signal: new AbortController().signal,
      onTick: (tick) => {
        ticks.push(tick);
        events.push(tick.phase);
      },
      onMeasureStart: async () => {
        events.push('measure-start');
        servedAtMeasureStart = sum(server.served.values());
        // Nothing is in flight: the server sees no request while the snapshot is taken.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(sum(server.served.values())).toBe(servedAtMeasureStart);
      },
    });
    expect(events.filter((event) => event === 'measure-start')).toHaveLength(1);
    expect(events.indexOf('measure-start')).toBeGreaterThan(events.lastIndexOf('warmup'));
    expect(servedAtMeasureStart).toBeGreaterThan(0);
    // The server saw the warm-ups and the window; the record holds exactly the window.
    expect(sum(server.served.values()) - servedAtMeasureStart).toBe(record.responses);
    expect(record.warmupMs).toBe(1500);
    expect(
      ticks.filter((tick) => tick.phase === 'measure').every((tick) => tick.requests <= record.responses),
    ).toBe(true);
  });

  it('drives an open loop at a fixed rate split over the generators, without coordinated-omission back-fill', async () => {
    const server = await startServer();
    const record = await runLocalGenerators({
      url: server.url,
      load: { ...baseLoad, rateRps: 41, connections: 3, generators: 2 },
      podHeader: 'x-upstream-pod',
      signal: new AbortController().signal,
    });
    expect(record.mode).toBe('open');
    expect(record.rateRps).toBe(41);
    expect(record.connections).toBe(3);
    expect(record.latencySamples).toBe(record.responses);
    expect(record.generator).toContain('2 generators (3 connections, 41 req/s in all)');
  });

  it('stops every generator when the signal aborts and rejects with AbortedError', async () => {
    const server = await startServer();
    const controller = new AbortController();
    const running = runLocalGenerators({
      url: server.url,
      // Far longer than the test timeout: only a prompt stop lets the test pass.
      load: { ...baseLoad, durationMs: 600_000, generators: 2 },
      podHeader: 'x-upstream-pod',
      signal: controller.signal,
      onTick: () => {
        controller.abort(new Error('test abort'));
      },
    });
    await expect(running).rejects.toBeInstanceOf(AbortedError);
    // The generators are gone once it rejects: no new load arrives.
    const servedAfterStop = sum(server.served.values());
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sum(server.served.values())).toBe(servedAfterStop);
  }, 30_000);

  it('rejects at once when the signal has already aborted', async () => {
    const server = await startServer();
    await expect(
      runLocalGenerators({
        url: server.url,
        load: baseLoad,
        podHeader: 'x-upstream-pod',
        signal: AbortSignal.abort(),
      }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(server.served.size).toBe(0);
  });

  it('names the generator and its error when one fails', async () => {
    const server = await startServer();
    const running = runLocalGenerators({
      url: server.url,
      load: { ...baseLoad, timeoutMs: 10 },
      podHeader: 'x-upstream-pod',
      signal: new AbortController().signal,
    });
    await expect(running).rejects.toBeInstanceOf(LbbenchError);
    await expect(running).rejects.toThrow(
      /load generator 1\/1 \(pid \d+\) exited with code 2: --timeout-ms must be an integer ≥ 1000, got "10"/,
    );
  });
});
