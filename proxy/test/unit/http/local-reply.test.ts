import { describe, expect, it } from 'vitest';
import { formatLocalReply, getResetBody, getResetStatus } from '../../../src/http/local-reply.js';

describe('local replies', () => {
  it.each([
    [
      { kind: 'connect-failure', errno: 'ECONNREFUSED' } as const,
      false,
      'upstream connect error or disconnect/reset before headers. reset reason: remote connection failure, transport failure reason: delayed connect error: Connection refused',
    ],
    [
      { kind: 'connect-timeout' } as const,
      false,
      'upstream connect error or disconnect/reset before headers. reset reason: connection timeout',
    ],
    [
      { kind: 'termination' } as const,
      true,
      'upstream connect error or disconnect/reset before headers. retried and the latest reset reason: connection termination',
    ],
    [
      { kind: 'overflow' } as const,
      false,
      'upstream connect error or disconnect/reset before headers. reset reason: overflow',
    ],
  ])('describes %j (retried %s) as Envoy ≥1.31 does', (reason, wasRetried, body) => {
    expect(getResetBody(reason, wasRetried)).toBe(body);
  });

  it('answers a protocol error with 502 and everything else with 503', () => {
    expect(getResetStatus({ kind: 'protocol-error' })).toBe(502);
    expect(getResetStatus({ kind: 'termination' })).toBe(503);
  });

  it('formats "no healthy upstream" like Envoy', () => {
    expect(
      formatLocalReply({
        status: 503,
        body: 'no healthy upstream',
        serverName: 'envoy',
        nowMs: Date.UTC(2026, 10, 25, 18, 0, 0),
        isHeadRequest: false,
        shouldClose: false,
      }),
    ).toBe(
      'HTTP/1.1 503 Service Unavailable\r\ncontent-length: 19\r\ncontent-type: text/plain\r\n' +
        'date: Wed, 25 Nov 2026 18:00:00 GMT\r\nserver: envoy\r\n\r\nno healthy upstream',
    );
  });

  it('sends no body to HEAD but keeps its length, and adds extra headers', () => {
    const text = formatLocalReply({
      status: 503,
      body: 'x',
      serverName: 's',
      nowMs: 0,
      isHeadRequest: true,
      shouldClose: true,
      extraHeaders: [['x-envoy-overloaded', 'true']],
    });
    expect(text.endsWith('x-envoy-overloaded: true\r\nconnection: close\r\n\r\n')).toBe(true);
    expect(text).toContain('content-length: 1\r\n');
  });
});
