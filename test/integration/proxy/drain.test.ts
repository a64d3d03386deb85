import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPod } from '../../support/pod-fleet.js';
import type { TestPod } from '../../support/pod-fleet.js';
import { getStatusLines } from '../../support/raw-http.js';
import { renderTestConfig, startProxyUnderTest } from '../../support/proxy-under-test.js';
import type { ProxyUnderTest } from '../../support/proxy-under-test.js';

// Drain on shutdown and POST /drain_listeners: stop accepting, finish requests in flight with
// `connection: close`, then close (and exit, on shutdown).
let pod: TestPod;

beforeAll(async () => {
  pod = await startTestPod('slow', '127.0.14.1', 0, { kind: 'ok', delayMs: 800 });
});

afterAll(async () => {
  await pod.close();
});

function startProxy(): Promise<ProxyUnderTest> {
  return startProxyUnderTest({
    configText: renderTestConfig({
      policy: 'ROUND_ROBIN',
      service: pod.ip,
      port: pod.port,
      clusterType: 'STATIC',
    }),
  });
}

/** Opens a keep-alive connection, sends `request` (if any), and resolves with everything received at its close. */
function openConnection(port: number, request?: string): { closed: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
  const closed = new Promise<string>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(received);
    });
  });
  socket.on('connect', () => {
    if (request !== undefined) socket.write(request);
  });
  return { closed };
}

function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? 'error');
    });
  });
}

const REQUEST = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';

describe('drain', () => {
  it('SIGTERM lets the request in flight finish with connection: close, refuses new ones, then exits 0', async () => {
    const proxy = await startProxy();
    const inFlight = openConnection(proxy.trafficPort, REQUEST);
    const idle = openConnection(proxy.trafficPort);
    await delay(200);
    proxy.child.kill('SIGTERM');
    expect(await idle.closed).toBe('');
    await expect.poll(() => tryConnect(proxy.trafficPort)).toBe('ECONNREFUSED');
    const received = await inFlight.closed;
    expect(getStatusLines(received)).toEqual(['HTTP/1.1 200 OK']);
    expect(received).toContain('connection: close');
    const child = proxy.child;
    const exitCode =
      child.exitCode ?? (await new Promise<number | null>((resolve) => child.once('exit', resolve)));
    expect(exitCode).toBe(0);
    await proxy.stop();
  });

  it('POST /drain_listeners stops accepting and drains, while the admin server stays up', async () => {
    const proxy = await startProxy();
    try {
      const inFlight = openConnection(proxy.trafficPort, REQUEST);
      await delay(200);
      const answer = await fetch(`${proxy.adminUrl}/drain_listeners`, { method: 'POST' });
      expect(await answer.text()).toBe('OK\n');
      await expect.poll(() => tryConnect(proxy.trafficPort)).toBe('ECONNREFUSED');
      const received = await inFlight.closed;
      expect(getStatusLines(received)).toEqual(['HTTP/1.1 200 OK']);
      expect(received).toContain('connection: close');
      expect((await fetch(`${proxy.adminUrl}/ready`)).status).toBe(503);
      expect(proxy.child.exitCode).toBeNull();
    } finally {
      await proxy.stop();
    }
  });
});
