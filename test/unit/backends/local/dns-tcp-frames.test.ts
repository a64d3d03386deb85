import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTcpFrames, writeTcpFrame } from '../../../../src/backends/local/dns-tcp-frames.js';

describe('dns-tcp-frames', () => {
  it.each([
    ['nothing', '', [], ''],
    ['one length byte', '00', [], '00'],
    ['a whole frame', '0002abcd', ['abcd'], ''],
    ['a frame and a partial one', '0001ff0003aa', ['ff'], '0003aa'],
    ['two frames', '0001ff0000', ['ff', ''], ''],
  ])('splits %s', (_label, hex, messages, rest) => {
    const frames = readTcpFrames(Buffer.from(hex, 'hex'));
    expect(frames.messages.map((message) => message.toString('hex'))).toEqual(messages);
    expect(frames.rest.toString('hex')).toBe(rest);
  });

  it('reads back what it wrote, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
        fc.array(fc.nat(300), { maxLength: 5 }),
        (messages, cuts) => {
          const stream = Buffer.concat(messages.map((message) => writeTcpFrame(Buffer.from(message))));
          const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
          const received: Buffer[] = [];
          let pending: Buffer = Buffer.alloc(0);
          let start = 0;
          for (const end of [...points, stream.length]) {
            const frames = readTcpFrames(Buffer.concat([pending, stream.subarray(start, end)]));
            received.push(...frames.messages);
            pending = frames.rest;
            start = end;
          }
          expect(received.map((message) => message.toString('hex'))).toEqual(
            messages.map((message) => Buffer.from(message).toString('hex')),
          );
          expect(pending.length).toBe(0);
        },
      ),
    );
  });
});
