import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPod } from '../../support/pod-fleet.js';
import type { TestPod } from '../../support/pod-fleet.js';
import { readStat } from '../../support/proxy-fixture.js';
import { getStatusLines, sendRaw } from '../../support/raw-http.js';
import { renderTestConfig, startProxyUnderTest } from '../../support/proxy-under-test.js';
import type { ProxyUnderTest } from '../../support/proxy-under-test.js';

// A proxy of its own: these tests count the listener's open client connections, so nothing else may hold one.
let pod: TestPod;
let proxy: ProxyUnderTest;

beforeAll(async () => {
  pod = await startTestPod('slow', '127.0.8.1', 0, { kind: 'ok', delayMs: 100 });
  proxy = await startProxyUnderTest({
    configText: renderTestConfig({
      policy: 'ROUND_ROBIN',
      service: pod.ip,
      port: pod.port,
      clusterType: 'STATIC',
    }),
  });
});

afterAll(async () => {
  await proxy.stop();
  await pod.close();
});

/** Waits until the proxy has no client connection open; fails after `timeoutMs` with the last count seen. */
async function waitForNoClientConnections(timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let active = -1;
  while (Date.now() < deadline) {
    active = await readStat(proxy.adminUrl, 'http.ingress_http.downstream_cx_active');
    if (active === 0) return;
    await delay(20);
  }
  throw new Error(`the proxy still holds ${active} client connection(s) after the clients closed`);
}

describe('client connections', () => {
  it('lets go of a connection it closed while reading was paused for pipelined bytes', async () => {
    // More than the 1 MiB per_connection_buffer_limit_bytes behind a `Connection: close` request: the proxy
    // stops reading while the response is pending, answers, closes, and must still see the client's close.
    const raw = await sendRaw(proxy.trafficPort, [
      `GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n${'x'.repeat(1200 * 1024)}`,
    ]);
    expect(getStatusLines(raw)).toEqual(['HTTP/1.1 200 OK']);
    expect(raw).toContain('connection: close');
    await waitForNoClientConnections();
  });

  it('drops the request of a client that half-closes, as Envoy does (no half-close on HTTP/1)', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: proxy.trafficPort, allowHalfOpen: true });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('end', () => socket.end());
      socket.on('close', () => {
        resolve(text);
      });
      socket.on('error', reject);
      socket.end('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    });
    expect(received).toBe('');
    await waitForNoClientConnections();
  });
});
