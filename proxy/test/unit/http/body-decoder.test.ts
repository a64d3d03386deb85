import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBodyDecoder } from '../../../src/http/body-decoder.js';
import type { BodyDecoder } from '../../../src/http/body-decoder.js';
import { HttpParseError } from '../../../src/http/http-head.js';

/** Feeds `pieces` to a decoder; returns how many bytes of them the body took and the payload. */
function feed(decoder: BodyDecoder, pieces: readonly Buffer[]): { taken: number; payload: Buffer } {
  let taken = 0;
  const payload: Buffer[] = [];
  for (const piece of pieces) {
    taken += decoder.decode(piece, 0, payload);
    if (decoder.isComplete) break;
  }
  return { taken, payload: Buffer.concat(payload) };
}

function decodeChunked(text: string): { taken: number; payload: string; isComplete: boolean } {
  const decoder = createBodyDecoder({ kind: 'chunked' });
  const { taken, payload } = feed(decoder, [Buffer.from(text, 'latin1')]);
  return { taken, payload: payload.toString('latin1'), isComplete: decoder.isComplete };
}

function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  return pieces;
}

describe('createBodyDecoder', () => {
  it('takes exactly content-length bytes and leaves the next request alone', () => {
    const decoder = createBodyDecoder({ kind: 'length', length: 5 });
    const payload: Buffer[] = [];
    expect(decoder.decode(Buffer.from('helloGET / HTTP/1.1'), 0, payload)).toBe(5);
    expect(Buffer.concat(payload).toString()).toBe('hello');
    expect(decoder.isComplete).toBe(true);
  });

  it('decodes a chunked body, dropping extensions and trailers', () => {
    const body = '5;ext=1;q="a \\" b";flag\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n';
    expect(decodeChunked(`${body}NEXT`)).toEqual({
      taken: body.length,
      payload: 'hello world',
      isComplete: true,
    });
  });

  it('ends a close-delimited body only at end()', () => {
    const decoder = createBodyDecoder({ kind: 'close' });
    expect(decoder.decode(Buffer.from('abc'), 1, [])).toBe(2);
    expect(decoder.isComplete).toBe(false);
    decoder.end();
    expect(decoder.isComplete).toBe(true);
  });

  it.each([
    ['a non-hex size', 'zz\r\n'],
    ['a bare LF after the size', '5\nhello'],
    ['data longer than its size', '5\r\nhelloXX'],
    ['an empty size', '\r\n'],
    ['whitespace after the size', '5 \r\nhello\r\n'],
    ['a tab after the size', '5\t\r\nhello\r\n'],
    ['a size overflowing 64 bits', 'fffffffffffffffff1\r\n'],
    ['a size beyond 2^48', '1000000000001\r\n'],
    ['a signed size', '-5\r\n'],
    ['a 0x prefix', '0x5\r\n'],
    ['whitespace before an extension', '5 ;a\r\nhello\r\n'],
    ['whitespace inside an extension', '5;a =b\r\nhello\r\n'],
    ['an extension with a bare LF', '5;a\nhello\r\n'],
    ['an unterminated quoted extension', '5;a="b\r\nhello\r\n'],
    ['a control character in an extension value', '5;a=\x01\r\nhello\r\n'],
    ['a bare CR after data', '5\r\nhello\r0\r\n\r\n'],
    ['a bare LF after data', '5\r\nhello\n0\r\n\r\n'],
    ['a bare LF ending the last chunk', '0\n\r\n'],
    ['a bare LF ending the trailer section', '0\r\n\n'],
    ['a trailer ended by a bare LF', '0\r\nX-A: 1\n\r\n'],
    ['a trailer with whitespace before its colon', '0\r\nX-A : 1\r\n\r\n'],
    ['an obs-folded trailer', '0\r\nX-A: 1\r\n 2\r\n\r\n'],
    ['a trailer without a colon', '0\r\nGET / HTTP/1.1\r\n\r\n'],
  ])('rejects %s', (_name, text) => {
    expect(() => decodeChunked(text)).toThrow(HttpParseError);
  });

  it('decodes the same payload and end however a chunked body is split (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (chunks, cuts) => {
          const encoded = Buffer.concat([
            ...chunks.flatMap((chunk) => [
              Buffer.from(`${chunk.length.toString(16)};x="y"\r\n`),
              Buffer.from(chunk),
              Buffer.from('\r\n'),
            ]),
            Buffer.from('0\r\nx-t: v\r\n\r\n'),
          ]);
          const decoder = createBodyDecoder({ kind: 'chunked' });
          const { taken, payload } = feed(
            decoder,
            split(Buffer.concat([encoded, Buffer.from('tail')]), cuts),
          );
          expect(decoder.isComplete).toBe(true);
          expect(taken).toBe(encoded.length);
          expect(payload.equals(Buffer.concat(chunks))).toBe(true);
        },
      ),
    );
  });
});
