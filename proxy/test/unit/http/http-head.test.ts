import { describe, expect, it } from 'vitest';
import {
  getResponseFraming,
  HttpParseError,
  parseRequestHead,
  parseResponseHead,
} from '../../../src/http/http-head.js';

const head = (...lines: string[]): string => lines.join('\r\n');

describe('parseRequestHead', () => {
  it('parses a keep-alive GET with its headers in wire order', () => {
    const parsed = parseRequestHead(head('GET /a?b=1 HTTP/1.1', 'Host: myapp', 'X-Thing:  spaced  '));
    expect(parsed).toMatchObject({
      method: 'GET',
      target: '/a?b=1',
      versionMinor: 1,
      framing: { kind: 'none' },
      isKeepAlive: true,
      expectsContinue: false,
      host: 'myapp',
      names: ['Host', 'X-Thing'],
      lowerNames: ['host', 'x-thing'],
      values: ['myapp', 'spaced'],
    });
  });

  it.each([
    [['POST / HTTP/1.1', 'Host: a', 'Content-Length: 12'], { kind: 'length', length: 12 }],
    [['POST / HTTP/1.1', 'Host: a', 'Content-Length: 0'], { kind: 'none' }],
    [['POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: Chunked'], { kind: 'chunked' }],
  ])('frames %j as %j', (lines, framing) => {
    expect(parseRequestHead(head(...lines)).framing).toEqual(framing);
  });

  it.each([
    [['GET / HTTP/1.1', 'Host: a', 'Connection: close'], false],
    [['GET / HTTP/1.0'], false],
    [['GET / HTTP/1.0', 'Connection: Keep-Alive'], true],
    [['GET / HTTP/1.1', 'Host: a', 'Connection: keep-alive, Upgrade'], true],
  ])('keep-alive of %j is %s', (lines, isKeepAlive) => {
    expect(parseRequestHead(head(...lines)).isKeepAlive).toBe(isKeepAlive);
  });

  it('sees Expect: 100-continue', () => {
    expect(
      parseRequestHead(head('PUT / HTTP/1.1', 'Host: a', 'Expect: 100-Continue', 'Content-Length: 3'))
        .expectsContinue,
    ).toBe(true);
  });

  it.each([
    ['a bare LF', 'GET / HTTP/1.1\nHost: a', 400],
    ['a NUL', 'GET / HTTP/1.1\r\nHost: a\0b', 400],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: a\r\n folded', 400],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost : a', 400],
    ['an unknown version', 'GET / HTTP/2.0\r\nHost: a', 400],
    ['a missing target', 'GET  HTTP/1.1\r\nHost: a', 400],
    ['a bad method', 'G(T / HTTP/1.1\r\nHost: a', 400],
    ['a lower-case method', 'get / HTTP/1.1\r\nHost: a', 400],
    ['a tab in the target', 'GET /a\tb HTTP/1.1\r\nHost: a', 400],
    ['obs-text in the target', 'GET /a\xa0b HTTP/1.1\r\nHost: a', 400],
    ['a method llhttp does not know', 'BREW / HTTP/1.1\r\nHost: a', 400],
    ['no host in HTTP/1.1', 'GET / HTTP/1.1', 400],
    ['two hosts', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b', 400],
    ['conflicting lengths', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2', 400],
    ['a repeated length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1', 400],
    ['a length list', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5', 400],
    ['a length with NBSP', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\xa0', 400],
    ['an overflowing length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999', 400],
    ['a bare CR', 'GET / HTTP/1.1\r\nHost: a\rX-A: b', 400],
    ['a control character in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x01', 400],
    ['a tab before the colon', 'GET / HTTP/1.1\r\nHost\t: a', 400],
    ['HTTP/6.1', 'GET / HTTP/6.1\r\nHost: a', 400],
    ['HTTP/1.2', 'GET / HTTP/1.2\r\nHost: a', 400],
    ['a lower-case version', 'GET / http/1.1\r\nHost: a', 400],
    ['HTTP/0.9', 'GET / HTTP/0.9\r\nHost: a', 400],
    ['chunked twice', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked', 400],
    [
      'chunked in two fields',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked',
      400,
    ],
    ['chunked before another coding', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip', 400],
    ['an empty coding', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked', 400],
    ['a final coding other than chunked', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip', 501],
    ['a negative length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1', 400],
    [
      'chunked with a length',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked',
      400,
    ],
    ['gzip transfer coding', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked', 501],
  ])('rejects %s with %i', (_name, text, status) => {
    expect(() => parseRequestHead(text)).toThrow(HttpParseError);
    try {
      parseRequestHead(text);
    } catch (error) {
      expect((error as HttpParseError).status).toBe(status);
    }
  });

  it('rejects more than 100 headers with 431', () => {
    const lines = ['GET / HTTP/1.1', 'Host: a', ...Array.from({ length: 100 }, (_, i) => `X-${i}: v`)];
    expect(() => parseRequestHead(head(...lines))).toThrow(expect.objectContaining({ status: 431 }) as Error);
  });
});

describe('parseResponseHead and getResponseFraming', () => {
  it.each([
    ['GET', ['HTTP/1.1 200 OK', 'Content-Length: 612'], { kind: 'length', length: 612 }],
    ['HEAD', ['HTTP/1.1 200 OK', 'Content-Length: 612'], { kind: 'none' }],
    ['GET', ['HTTP/1.1 204 No Content'], { kind: 'none' }],
    ['GET', ['HTTP/1.1 304 Not Modified', 'Content-Length: 10'], { kind: 'none' }],
    ['GET', ['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked'], { kind: 'chunked' }],
    ['GET', ['HTTP/1.1 200 OK', 'Transfer-Encoding: gzip'], { kind: 'close' }],
    ['GET', ['HTTP/1.1 200 OK'], { kind: 'close' }],
    ['GET', ['HTTP/1.1 200 OK', 'Content-Length: 0'], { kind: 'none' }],
  ])('%s %j is framed %j', (method, lines, framing) => {
    expect(getResponseFraming(method, parseResponseHead(head(...lines)))).toEqual(framing);
  });

  it('reads status, reason and connection close', () => {
    expect(parseResponseHead(head('HTTP/1.0 503 Service Unavailable', 'Connection: close'))).toMatchObject({
      status: 503,
      reason: 'Service Unavailable',
      versionMinor: 0,
      hasConnectionClose: true,
    });
    expect(parseResponseHead('HTTP/1.1 200').reason).toBe('');
  });

  it.each([
    ['a malformed status line', 'HTTP/1.1 OK'],
    ['an unknown version', 'HTTP/1.2 200 OK'],
    ['both framings', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3'],
    ['a repeated length', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3'],
    ['chunked twice', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 3'],
    ['obs-fold', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n 2'],
    ['a bare LF', 'HTTP/1.1 200 OK\nContent-Length: 3'],
  ])('rejects a response with %s', (_name, text) => {
    expect(() => parseResponseHead(text)).toThrow(HttpParseError);
  });
});
