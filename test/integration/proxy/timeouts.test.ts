import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPod } from '../../support/pod-fleet.js';
import type { TestPod } from '../../support/pod-fleet.js';
import { readStat } from '../../support/proxy-fixture.js';
import { getStatusLines } from '../../support/raw-http.js';
import { renderTestConfig, startProxyUnderTest } from '../../support/proxy-under-test.js';
import type { ProxyUnderTest } from '../../support/proxy-under-test.js';

// Envoy's HCM timeouts and common_http_protocol_options on loopback (source/common/http/conn_manager_impl.cc).
let pod: TestPod;
let streamProxy: ProxyUnderTest;
let requestProxy: ProxyUnderTest;

function renderWithManagerFields(fields: string): string {
  const text = renderTestConfig({
    policy: 'ROUND_ROBIN',
    service: pod.ip,
    port: pod.port,
    clusterType: 'STATIC',
  });
  return text.replace('stat_prefix: ingress_http', `stat_prefix: ingress_http\n${fields}`);
}

beforeAll(async () => {
  pod = await startTestPod('pod', '127.0.12.1', 0);
  streamProxy = await startProxyUnderTest({
    configText: renderWithManagerFields(
      '          request_headers_timeout: 0.5s\n          stream_idle_timeout: 1s\n' +
        '          common_http_protocol_options: { idle_timeout: 1s, max_requests_per_connection: 2 }',
    ),
  });
  requestProxy = await startProxyUnderTest({
    configText: renderWithManagerFields(
      '          request_timeout: 1s\n          common_http_protocol_options: { max_connection_duration: 1s }',
    ),
  });
});

afterAll(async () => {
  await streamProxy.stop();
  await requestProxy.stop();
  await pod.close();
});

interface Conversation {
  readonly received: string;
  /** Milliseconds from the first write to the close. */
  readonly elapsedMs: number;
}

/** Writes `chunks` to the proxy, each after `gapMs`, and resolves with what came back when the proxy closed. */
function converse(port: number, chunks: readonly string[], gapMs = 0): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    const startMs = performance.now();
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      resolve({ received, elapsedMs: performance.now() - startMs });
    });
    socket.on('connect', () => {
      chunks.forEach((chunk, index) => {
        setTimeout(() => socket.write(chunk), index * gapMs);
      });
    });
  });
}

describe('HCM timeouts', () => {
  it('request_headers_timeout closes a connection whose head is incomplete, without a reply', async () => {
    const { received, elapsedMs } = await converse(streamProxy.trafficPort, [
      'GET / HTTP/1.1\r\nHost: a\r\n',
    ]);
    expect(received).toBe('');
    expect(elapsedMs).toBeGreaterThanOrEqual(400);
    await expect
      .poll(() => readStat(streamProxy.adminUrl, 'http.ingress_http.downstream_rq_header_timeout'))
      .toBe(1);
  });

  it('stream_idle_timeout answers 408 "stream timeout" while the upstream is silent', async () => {
    pod.behaviour = { kind: 'hang' };
    try {
      const { received } = await converse(streamProxy.trafficPort, [
        'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
      ]);
      expect(getStatusLines(received)).toEqual(['HTTP/1.1 408 Request Timeout']);
      expect(received.endsWith('\r\n\r\nstream timeout')).toBe(true);
      expect(received).toContain('connection: close');
    } finally {
      pod.behaviour = { kind: 'ok' };
    }
    expect(await readStat(streamProxy.adminUrl, 'http.ingress_http.downstream_rq_idle_timeout')).toBe(1);
  });

  it('request_timeout answers 408 "request timeout" to a body that stops arriving, and closes', async () => {
    const { received } = await converse(requestProxy.trafficPort, [
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc',
    ]);
    expect(getStatusLines(received)).toEqual(['HTTP/1.1 408 Request Timeout']);
    expect(received).toContain('connection: close');
    expect(received.endsWith('\r\n\r\nrequest timeout')).toBe(true);
    expect(await readStat(requestProxy.adminUrl, 'http.ingress_http.downstream_rq_timeout')).toBe(1);
  });
});

describe('common_http_protocol_options', () => {
  it('max_requests_per_connection answers the last request with connection: close, then closes', async () => {
    const request = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';
    const { received } = await converse(streamProxy.trafficPort, [request, request, request], 50);
    expect(getStatusLines(received)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(received.split('connection: close').length).toBe(2);
    expect(received.lastIndexOf('connection: close')).toBeGreaterThan(received.lastIndexOf('HTTP/1.1 200'));
    expect(
      await readStat(streamProxy.adminUrl, 'http.ingress_http.downstream_cx_max_requests_reached'),
    ).toBeGreaterThanOrEqual(1);
  });

  it('idle_timeout closes a connection that never sent a byte at once when it fires', async () => {
    const { received, elapsedMs } = await converse(streamProxy.trafficPort, []);
    expect(received).toBe('');
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
    expect(elapsedMs).toBeLessThan(4000);
    expect(
      await readStat(streamProxy.adminUrl, 'http.ingress_http.downstream_cx_idle_timeout'),
    ).toBeGreaterThanOrEqual(1);
  });

  it('idle_timeout drains a used connection: closed after the 5 s drain_timeout', async () => {
    const { received, elapsedMs } = await converse(streamProxy.trafficPort, [
      'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
    ]);
    expect(getStatusLines(received)).toEqual(['HTTP/1.1 200 OK']);
    expect(received).not.toContain('connection: close');
    expect(elapsedMs).toBeGreaterThanOrEqual(5500);
  }, 15_000);

  it('max_connection_duration lets the request in flight finish with connection: close', async () => {
    pod.behaviour = { kind: 'ok', delayMs: 1500 };
    try {
      const { received } = await converse(requestProxy.trafficPort, ['GET / HTTP/1.1\r\nHost: a\r\n\r\n']);
      expect(getStatusLines(received)).toEqual(['HTTP/1.1 200 OK']);
      expect(received).toContain('connection: close');
    } finally {
      pod.behaviour = { kind: 'ok' };
    }
    expect(
      await readStat(requestProxy.adminUrl, 'http.ingress_http.downstream_cx_max_duration_reached'),
    ).toBeGreaterThanOrEqual(1);
  });
});
