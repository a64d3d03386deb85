import { decode, encode } from 'dns-packet';
import type { StringAnswer } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import {
  encodeAddressRecords,
  encodeIpAddress,
  getAddressRecordBytes,
  readDnsHeader,
} from '../../../../src/backends/local/dns-wire.js';

describe('dns-wire', () => {
  it.each([
    ['10.0.0.1', '0a000001'],
    ['255.255.255.255', 'ffffffff'],
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['fd00::1:2', 'fd000000000000000000000000010002'],
    ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
    ['1::', '00010000000000000000000000000000'],
    ['::ffff:10.1.2.3', '00000000000000000000ffff0a010203'],
  ])('encodes %s', (ip, hex) => {
    expect(encodeIpAddress(ip).toString('hex')).toBe(hex);
  });

  it('rejects a name', () => {
    expect(() => encodeIpAddress('myapp')).toThrow(/not an IP address/);
  });

  it('reads the header fields', () => {
    const query = encode({
      type: 'query',
      id: 513,
      flags: (4 << 11) | 0x0100,
      questions: [{ type: 'A', name: 'x' }],
    });
    expect(readDnsHeader(query)).toEqual({
      id: 513,
      isResponse: false,
      opcode: 4,
      flags: (4 << 11) | 0x0100,
      questionCount: 1,
    });
    expect(readDnsHeader(query.subarray(0, 11))).toBeUndefined();
    expect(readDnsHeader(encode({ type: 'response', id: 1, questions: [] }))?.isResponse).toBe(true);
  });

  it('encodes address records whose owner points at the question name', () => {
    const ips = ['10.0.0.1', 'fd00::1', '127.0.0.2'];
    const records = encodeAddressRecords(ips, 7);
    expect(records.length).toBe(ips.reduce((sum, ip) => sum + getAddressRecordBytes(ip), 0));
    const withoutAnswers = encode({
      type: 'response',
      id: 3,
      questions: [{ type: 'A', name: 'myapp.default' }],
    });
    const message = Buffer.concat([withoutAnswers, records]);
    message.writeUInt16BE(ips.length, 6);
    const packet = decode(message);
    expect(
      packet.answers?.map((answer) => [
        answer.name,
        answer.type,
        (answer as StringAnswer).ttl,
        (answer as StringAnswer).data,
      ]),
    ).toEqual([
      ['myapp.default', 'A', 7, '10.0.0.1'],
      ['myapp.default', 'AAAA', 7, 'fd00::1'],
      ['myapp.default', 'A', 7, '127.0.0.2'],
    ]);
  });
});
