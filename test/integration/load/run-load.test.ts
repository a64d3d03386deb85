import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { describe, expect, it, onTestFinished } from 'vitest';

import { AbortedError } from '../../../src/errors.js';
import type { LoadTick } from '../../../src/load/run-load.js';
import { runLoad } from '../../../src/load/run-load.js';
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
};

async function startServer(options: Partial<PodLikeServerOptions> = {}): Promise<PodLikeServer> {
  const server = await startPodLikeServer({ podNames: PODS, ...options });
  onTestFinished(() => server.close());
  return server;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) {
    total += value;
  }
  return total;
}

describe('runLoad', () => {
  it('measures a closed-loop run whose counts add up, with the pods tallied from the response header', async () => {
    const server = await startServer();
    const record = await runLoad({
      url: `${server.url}/`,
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
    expect(record.latencySamples).toBe(record.responses);
    expect(record.requestsSent).toBeGreaterThanOrEqual(record.responses);
    expect(record.latency.resolutionMs).toBe(1);
    expect(record.latency.minMs).toBeLessThanOrEqual(record.latency.p50Ms);
    expect(record.latency.p50Ms).toBeLessThanOrEqual(record.latency.p99Ms);
    expect(record.latency.p99Ms).toBeLessThanOrEqual(record.latency.maxMs);
    expect(record.generator).toMatch(/^autocannon \d+\.\d+\.\d+, closed loop, 4 connections, pipelining 1/);
  });

  it('stops gracefully: every request the server received is answered and counted, none is dropped', async () => {
    let received = 0;
    const server = createServer((_request, response) => {
      received++;
      // Slow answers make sure requests are in flight when the duration ends.
      setTimeout(() => {
        response.writeHead(200, { 'x-upstream-pod': 'slow' }).end('ok');
      }, 30);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        }),
    );
    const { port } = server.address() as AddressInfo;
    const record = await runLoad({
      url: `http://127.0.0.1:${port}/`,
      load: { ...baseLoad, connections: 8, warmupMs: 0 },
      podHeader: 'x-upstream-pod',
      signal: new AbortController().signal,
    });
    expect(record.responses).toBe(received);
    expect(record.podTally).toEqual({ slow: received });
  });

  it('counts answers without the pod header as untallied non-2xx', async () => {
    const server = await startServer({ failEvery: 5 });
    const record = await runLoad({
      url: `${server.url}/`,
      load: baseLoad,
      podHeader: 'X-Upstream-Pod',
      signal: new AbortController().signal,
    });
    expect(record.non2xx).toBeGreaterThan(0);
    expect(record.untallied).toBe(record.non2xx);
    expect(sum(Object.values(record.podTally)) + record.untallied).toBe(record.responses);
  });

  it('runs the warm-up first, calls onMeasureStart once in between, and counts only the measured window', async () => {
    const server = await startServer();
    const events: string[] = [];
    let servedAtMeasureStart = 0;
    const ticks: LoadTick[] = [];
    const record = await runLoad({
      url: `${server.url}/`,
      load: { ...baseLoad, warmupMs: 1000 },
      podHeader: 'x-upstream-pod',
      signal: new AbortController().signal,
      onTick: (tick) => {
        ticks.push(tick);
        events.push(tick.phase);
      },
      onMeasureStart: () => {
        events.push('measure-start');
        servedAtMeasureStart = sum(server.served.values());
      },
    });
    expect(events.filter((event) => event === 'measure-start')).toHaveLength(1);
    expect(events.indexOf('measure-start')).toBeGreaterThan(events.lastIndexOf('warmup'));
    expect(events.indexOf('measure-start')).toBeLessThan(events.indexOf('measure'));
    expect(servedAtMeasureStart).toBeGreaterThan(0);
    // The server saw the warm-up and the window; the record holds only the window.
    expect(sum(server.served.values()) - servedAtMeasureStart).toBeGreaterThanOrEqual(record.responses);
    expect(record.warmupMs).toBe(1000);
    const measureTicks = ticks.filter((tick) => tick.phase === 'measure');
    expect(measureTicks.every((tick) => tick.requests <= record.responses && tick.durationMs === 1000)).toBe(
      true,
    );
  });

  it('drives an open loop at a fixed rate without coordinated-omission back-fill', async () => {
    const server = await startServer();
    const record = await runLoad({
      url: `${server.url}/`,
      load: { ...baseLoad, rateRps: 40, connections: 2 },
      podHeader: 'x-upstream-pod',
      signal: new AbortController().signal,
    });
    expect(record.mode).toBe('open');
    expect(record.rateRps).toBe(40);
    expect(record.latencySamples).toBe(record.responses);
    expect(record.generator).toContain('open loop, 40 req/s over 2 connections');
  });

  it('stops when the signal aborts and rejects with AbortedError', async () => {
    const server = await startServer();
    const controller = new AbortController();
    const running = runLoad({
      url: `${server.url}/`,
      // Far longer than the test timeout: only a prompt stop lets the test pass.
      load: { ...baseLoad, durationMs: 600_000 },
      podHeader: 'x-upstream-pod',
      signal: controller.signal,
      onTick: () => {
        controller.abort(new Error('test abort'));
      },
    });
    await expect(running).rejects.toBeInstanceOf(AbortedError);
    // Requests already on the wire may still land; after that, no new load arrives.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const servedAfterStop = sum(server.served.values());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sum(server.served.values())).toBe(servedAfterStop);
  }, 15_000);

  it('rejects at once when the signal has already aborted', async () => {
    const server = await startServer();
    await expect(
      runLoad({
        url: `${server.url}/`,
        load: baseLoad,
        podHeader: 'x-upstream-pod',
        signal: AbortSignal.abort(),
      }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(server.served.size).toBe(0);
  });
});
