import { describe, expect, it } from 'vitest';
import { parseRequestHead, parseResponseHead } from '../../../src/http/http-head.js';
import { buildDownstreamResponseHead, buildUpstreamRequestHead } from '../../../src/http/message-builders.js';

describe('buildUpstreamRequestHead', () => {
  it('rewrites host, drops hop-by-hop fields and adds what Envoy adds', () => {
    const head = parseRequestHead(
      [
        'POST /x HTTP/1.0',
        'Host: public.example',
        'Connection: keep-alive, X-Secret',
        'X-Secret: drop me',
        'Keep-Alive: timeout=5',
        'Expect: 100-continue',
        'Content-Length: 3',
        'User-Agent: t',
      ].join('\r\n'),
    );
    expect(
      buildUpstreamRequestHead(head, {
        hostRewrite: 'myapp',
        requestId: () => 'id-1',
        expectedTimeoutMs: 60000,
      }),
    ).toBe(
      'POST /x HTTP/1.1\r\ncontent-length: 3\r\nuser-agent: t\r\nhost: myapp\r\nx-forwarded-proto: http\r\n' +
        'x-request-id: id-1\r\nx-envoy-expected-rq-timeout-ms: 60000\r\n\r\n',
    );
  });

  it('keeps the client host, its request id and chunked framing', () => {
    const head = parseRequestHead(
      'PUT / HTTP/1.1\r\nHost: a\r\nX-Request-Id: given\r\nTransfer-Encoding: chunked',
    );
    expect(
      buildUpstreamRequestHead(head, {
        hostRewrite: undefined,
        requestId: () => 'new',
        expectedTimeoutMs: 0,
      }),
    ).toBe(
      'PUT / HTTP/1.1\r\nx-request-id: given\r\nhost: a\r\ntransfer-encoding: chunked\r\nx-forwarded-proto: http\r\n\r\n',
    );
  });
});

describe('buildDownstreamResponseHead', () => {
  const nowMs = Date.UTC(2026, 10, 25, 18, 0, 0);

  it('overwrites server, adds date and upstream service time, lower-cases names', () => {
    const head = parseResponseHead(
      'HTTP/1.1 200 OK\r\nServer: nginx/1.22\r\nContent-Length: 2\r\nX-Upstream-Pod: p1',
    );
    expect(
      buildDownstreamResponseHead(head, {
        serverName: 'envoy',
        upstreamServiceTimeMs: 3,
        nowMs,
        shouldClose: false,
        isHttp10KeepAlive: false,
        isChunked: false,
      }),
    ).toBe(
      'HTTP/1.1 200 OK\r\nX-Upstream-Pod: p1\r\ndate: Wed, 25 Nov 2026 18:00:00 GMT\r\n' +
        'server: envoy\r\ncontent-length: 2\r\nx-envoy-upstream-service-time: 3\r\n\r\n',
    );
  });

  it('re-frames a close-delimited body as chunked and says when it closes', () => {
    const head = parseResponseHead('HTTP/1.1 200 OK\r\nDate: x\r\nConnection: close');
    expect(
      buildDownstreamResponseHead(head, {
        serverName: 'envoy',
        upstreamServiceTimeMs: undefined,
        nowMs,
        shouldClose: true,
        isHttp10KeepAlive: false,
        isChunked: true,
      }),
    ).toBe(
      'HTTP/1.1 200 OK\r\nDate: x\r\nserver: envoy\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n',
    );
  });
});
