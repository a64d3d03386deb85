import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBodyTracker } from '../../../src/http/body-tracker.js';
import { HttpParseError } from '../../../src/http/http-head.js';

/** Feeds `pieces` to a tracker and returns how many bytes of them the body took. */
function feed(tracker: ReturnType<typeof createBodyTracker>, pieces: readonly Buffer[]): number {
  let taken = 0;
  for (const piece of pieces) {
    taken += tracker.consume(piece, 0);
    if (tracker.isComplete) break;
  }
  return taken;
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

describe('createBodyTracker', () => {
  it('takes exactly content-length bytes and leaves the next request alone', () => {
    const tracker = createBodyTracker({ kind: 'length', length: 5 });
    const chunk = Buffer.from('helloGET / HTTP/1.1');
    expect(tracker.consume(chunk, 0)).toBe(5);
    expect(tracker.isComplete).toBe(true);
  });

  it('finds the end of a chunked body with extensions and trailers', () => {
    const body = Buffer.from('5;ext=1\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT');
    const tracker = createBodyTracker({ kind: 'chunked' });
    expect(tracker.consume(body, 0)).toBe(body.length - 4);
    expect(tracker.isComplete).toBe(true);
  });

  it('ends a close-delimited body only at end()', () => {
    const tracker = createBodyTracker({ kind: 'close' });
    expect(tracker.consume(Buffer.from('abc'), 1)).toBe(2);
    expect(tracker.isComplete).toBe(false);
    tracker.end();
    expect(tracker.isComplete).toBe(true);
  });

  it.each([['zz\r\n'], ['5\nhello'], ['5\r\nhelloXX'], ['\r\n']])('rejects malformed chunked %j', (text) => {
    expect(() => createBodyTracker({ kind: 'chunked' }).consume(Buffer.from(text), 0)).toThrow(
      HttpParseError,
    );
  });

  it('finds the same end however a chunked body is split (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (chunks, cuts) => {
          const encoded = Buffer.concat([
            ...chunks.flatMap((chunk) => [
              Buffer.from(`${chunk.length.toString(16)}\r\n`),
              Buffer.from(chunk),
              Buffer.from('\r\n'),
            ]),
            Buffer.from('0\r\n\r\n'),
          ]);
          const tracker = createBodyTracker({ kind: 'chunked' });
          const taken = feed(tracker, split(Buffer.concat([encoded, Buffer.from('tail')]), cuts));
          expect(tracker.isComplete).toBe(true);
          expect(taken).toBe(encoded.length);
        },
      ),
    );
  });
});
