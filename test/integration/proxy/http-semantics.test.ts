import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../src/backends/local/dns-server.js';
import type { DnsServer } from '../../../src/backends/local/dns-server.js';
import { startTestPod } from '../../support/pod-fleet.js';
import type { TestPod } from '../../support/pod-fleet.js';
import { readHosts } from '../../support/proxy-fixture.js';
import { getStatusLines, sendRaw } from '../../support/raw-http.js';
import { renderTestConfig, startProxyUnderTest } from '../../support/proxy-under-test.js';
import type { ProxyUnderTest } from '../../support/proxy-under-test.js';

let dns: DnsServer;
let echo: TestPod;
let closing: TestPod;
let proxy: ProxyUnderTest;
let closingProxy: ProxyUnderTest;

beforeAll(async () => {
  dns = await startDnsServer({ host: '127.0.0.1', port: 0 });
  echo = await startTestPod('echo', '127.0.4.1', 0, { kind: 'echo' });
  closing = await startTestPod('closing', '127.0.4.2', echo.port, { kind: 'close-delimited' });
  dns.setService('echo', [echo.ip]);
  dns.setService('closing', [closing.ip]);
  proxy = await startProxyUnderTest({
    configText: renderTestConfig({ policy: 'ROUND_ROBIN', service: 'echo', port: echo.port }),
    dnsServer: `127.0.0.1:${dns.port}`,
  });
  closingProxy = await startProxyUnderTest({
    configText: renderTestConfig({ policy: 'ROUND_ROBIN', service: 'closing', port: echo.port }),
    dnsServer: `127.0.0.1:${dns.port}`,
  });
});

afterAll(async () => {
  await Promise.all([proxy.stop(), closingProxy.stop()]);
  await Promise.all([echo.close(), closing.close()]);
  await dns.close();
});

/** A request with a streamed body through node:http (chunked unless a length is given). */
function post(
  body: readonly Buffer[],
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: proxy.trafficPort, method: 'POST', path: '/upload', headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks),
            headers: response.headers,
          });
        });
      },
    );
    outgoing.on('error', reject);
    void (async () => {
      for (const piece of body) {
        outgoing.write(piece);
        await new Promise((done) => setTimeout(done, 5));
      }
      outgoing.end();
    })();
  });
}

describe('forwarding', () => {
  it('rewrites host, adds Envoy headers upstream, and marks the response as Envoy does', async () => {
    const response = await fetch(`${proxy.trafficUrl}/`, { headers: { host: 'public.example.com' } });
    expect(response.headers.get('x-seen-host')).toBe('myapp');
    expect(response.headers.get('x-seen-headers')?.split(',')).toEqual(
      expect.arrayContaining(['x-forwarded-proto', 'x-request-id', 'x-envoy-expected-rq-timeout-ms']),
    );
    expect(response.headers.get('server')).toBe('envoy');
    expect(response.headers.get('x-envoy-upstream-service-time')).toMatch(/^\d+$/);
  });

  it('streams a chunked request body and a 3 MiB body through unchanged', async () => {
    const pieces = [Buffer.from('hello '), Buffer.from('chunked '), Buffer.from('world')];
    const chunked = await post(pieces);
    expect(chunked.status).toBe(200);
    expect(chunked.body.toString()).toBe('hello chunked world');
    const large = randomBytes(3 * 1024 * 1024);
    const sized = await post([large.subarray(0, 1_000_000), large.subarray(1_000_000)], {
      'content-length': String(large.length),
    });
    expect(sized.body.equals(large)).toBe(true);
  });

  it('answers Expect: 100-continue itself before the body arrives', async () => {
    const raw = await sendRaw(
      proxy.trafficPort,
      [
        'PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n',
        'abcde',
      ],
      { gapMs: 100 },
    );
    expect(getStatusLines(raw)).toEqual(['HTTP/1.1 100 Continue', 'HTTP/1.1 200 OK']);
    expect(raw).toContain('abcde');
  });

  it('sends no body for HEAD', async () => {
    const raw = await sendRaw(proxy.trafficPort, ['HEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n']);
    expect(getStatusLines(raw)).toEqual(['HTTP/1.1 200 OK']);
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
  });

  it('answers pipelined requests in order on one connection, and closes after Connection: close', async () => {
    const raw = await sendRaw(proxy.trafficPort, [
      'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nokGET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    ]);
    expect(getStatusLines(raw)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(raw).toContain('connection: close');
  });

  it('serves pipelined requests over one upstream connection', async () => {
    const fresh = await startProxyUnderTest({
      configText: renderTestConfig({ policy: 'ROUND_ROBIN', service: 'echo', port: echo.port }),
      dnsServer: `127.0.0.1:${dns.port}`,
    });
    try {
      const raw = await sendRaw(fresh.trafficPort, [
        'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
      ]);
      expect(getStatusLines(raw)).toHaveLength(3);
      const [host] = await readHosts(fresh.adminUrl);
      expect(host?.counters).toMatchObject({ rq_total: 3, cx_total: 1 });
    } finally {
      await fresh.stop();
    }
  });

  it('serves HTTP/1.0 without a Host header and closes', async () => {
    const raw = await sendRaw(proxy.trafficPort, ['GET / HTTP/1.0\r\n\r\n']);
    expect(getStatusLines(raw)).toEqual(['HTTP/1.1 200 OK']);
    expect(raw).toContain('connection: close');
  });

  it('decodes chunk extensions and trailers and re-frames the payload for the upstream', async () => {
    const before = echo.requests;
    const raw = await sendRaw(proxy.trafficPort, [
      'POST /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
        '3;name="quoted ; value"\r\nabc\r\n2;flag\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n',
    ]);
    expect(getStatusLines(raw)).toEqual(['HTTP/1.1 200 OK']);
    // The echo pod answers with what it parsed, the payload alone (chunked, as the proxy re-frames it).
    expect(raw.slice(raw.indexOf('\r\n\r\n') + 4)).toBe('5\r\nabcde\r\n0\r\n\r\n');
    expect(echo.requests).toBe(before + 1);
  });

  it('re-frames a close-delimited upstream body as chunked for an HTTP/1.1 client', async () => {
    const response = await fetch(`${closingProxy.trafficUrl}/`);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(await response.text()).toBe('close-delimited from closing');
  });
});

describe('bad requests', () => {
  it.each([
    ['a bare LF', 'GET / HTTP/1.1\nHost: a\n\n', 'HTTP/1.1 400 Bad Request'],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  2\r\n\r\n', 'HTTP/1.1 400 Bad Request'],
    [
      'both framing headers',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      'HTTP/1.1 400 Bad Request',
    ],
    [
      'an unknown transfer coding',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n',
      'HTTP/1.1 501 Not Implemented',
    ],
    [
      'chunked twice',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n',
      'HTTP/1.1 400 Bad Request',
    ],
    [
      'a repeated content-length',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx',
      'HTTP/1.1 400 Bad Request',
    ],
    ['an unknown version', 'GET / HTTP/6.1\r\nHost: a\r\n\r\n', 'HTTP/1.1 400 Bad Request'],
    ['an HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'HTTP/1.1 400 Bad Request'],
  ])('rejects %s, forwards nothing and closes the connection', async (_name, text, statusLine) => {
    const before = echo.requests;
    const raw = await sendRaw(proxy.trafficPort, [text]);
    expect(getStatusLines(raw)).toEqual([statusLine]);
    expect(raw).toContain('server: envoy');
    expect(echo.requests).toBe(before);
  });

  it.each([
    ['a non-hex chunk size', 'zz\r\n'],
    ['a chunk size that overflows', '10000000000000003\r\nabc\r\n0\r\n\r\n'],
    ['a bare LF ending the trailer section', '3\r\nabc\r\n0\r\n\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['whitespace in a chunk extension', '3; a=b\r\nabc\r\n0\r\n\r\n'],
  ])('resets a chunked body with %s after its head went upstream', async (_name, body) => {
    const before = echo.requests;
    const raw = await sendRaw(
      proxy.trafficPort,
      ['POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n', body],
      { gapMs: 50 },
    );
    expect(getStatusLines(raw).every((line) => line !== 'HTTP/1.1 200 OK')).toBe(true);
    // The head was forwarded before the body went wrong; the smuggled request never is.
    await expect.poll(() => echo.requests).toBe(before + 1);
    await delay(100);
    expect(echo.requests).toBe(before + 1);
  });

  it('answers a head over max_request_headers_kb with 431 and forwards nothing', async () => {
    const small = await startProxyUnderTest({
      configText: renderTestConfig({ policy: 'ROUND_ROBIN', service: 'echo', port: echo.port }).replace(
        'stat_prefix: ingress_http',
        'stat_prefix: ingress_http\n          max_request_headers_kb: 2',
      ),
      dnsServer: `127.0.0.1:${dns.port}`,
    });
    try {
      const before = echo.requests;
      const fits = `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(1800)}\r\nConnection: close\r\n\r\n`;
      const tooBig = `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(2100)}\r\n\r\n`;
      expect(getStatusLines(await sendRaw(small.trafficPort, [fits]))).toEqual(['HTTP/1.1 200 OK']);
      expect(getStatusLines(await sendRaw(small.trafficPort, [tooBig]))).toEqual([
        'HTTP/1.1 431 Request Header Fields Too Large',
      ]);
      expect(echo.requests).toBe(before + 1);
    } finally {
      await small.stop();
    }
  });

  it('answers a head over 60 KiB with 431', async () => {
    const raw = await sendRaw(proxy.trafficPort, [
      `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`,
    ]);
    expect(getStatusLines(raw)).toEqual(['HTTP/1.1 431 Request Header Fields Too Large']);
  });
});
