import { decode, encode, RECURSION_DESIRED } from 'dns-packet';
import type { DecodedPacket, OptAnswer, Packet, RecordType, StringAnswer } from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerDnsQuery, isDnsQuery } from '../../../../src/backends/local/dns-answer.js';
import type { DnsAnswerOptions, DnsZone } from '../../../../src/backends/local/dns-answer.js';

const ZONE: DnsZone = {
  namespace: 'default',
  clusterDomain: 'cluster.local',
  ttlSeconds: 5,
  services: new Map<string, readonly string[]>([
    ['myapp', ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
    ['v6app', ['fd00::1', 'fd00::2']],
    ['dual', ['10.0.0.9', 'fd00::9']],
    ['empty', []],
    [
      'big',
      Array.from({ length: 100 }, (_, index) => `10.1.${Math.floor(index / 250)}.${(index % 250) + 1}`),
    ],
  ]),
};

function options(overrides: Partial<DnsAnswerOptions> = {}): DnsAnswerOptions {
  return { zone: ZONE, transport: 'udp', fault: undefined, ...overrides };
}

// dns-packet's RecordType lacks ANY, which it encodes all the same.
function createQuery(name: string, type: RecordType | 'ANY' = 'A', extra: Partial<Packet> = {}): Buffer {
  const question = { type: type as RecordType, name };
  return encode({ type: 'query', id: 4242, flags: RECURSION_DESIRED, questions: [question], ...extra });
}

function createEdnsQuery(name: string, udpPayloadSize: number): Buffer {
  const opt: OptAnswer = {
    type: 'OPT',
    name: '.',
    udpPayloadSize,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: [],
  };
  return createQuery(name, 'A', { additionals: [opt] });
}

function ask(query: Buffer, overrides: Partial<DnsAnswerOptions> = {}): DecodedPacket & { rcode: string } {
  const reply = answerDnsQuery(query, options(overrides));
  expect(reply).toBeDefined();
  return decode(reply!) as DecodedPacket & { rcode: string };
}

function getAddresses(packet: DecodedPacket): string[] {
  return (packet.answers ?? []).map((answer) => (answer as StringAnswer).data);
}

describe('answerDnsQuery', () => {
  it.each([
    'myapp',
    'myapp.default',
    'myapp.default.svc',
    'myapp.default.svc.cluster.local',
    'MyApp.Default.SVC.Cluster.Local',
  ])('answers %s with one A record per pod, the TTL and AA', (name) => {
    const reply = ask(createQuery(name));
    expect(reply.rcode).toBe('NOERROR');
    expect(reply.id).toBe(4242);
    expect(reply.flag_qr && reply.flag_aa && reply.flag_rd).toBe(true);
    expect(reply.flag_tc).toBe(false);
    expect(reply.questions).toEqual([{ name, type: 'A', class: 'IN' }]);
    expect(getAddresses(reply)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(reply.answers?.map((answer) => [answer.name, answer.type, (answer as StringAnswer).ttl])).toEqual(
      Array.from({ length: 3 }, () => [name, 'A', 5]),
    );
  });

  it.each([
    ['v6app', 'AAAA', 'NOERROR', ['fd00::1', 'fd00::2']],
    ['dual', 'A', 'NOERROR', ['10.0.0.9']],
    ['dual', 'AAAA', 'NOERROR', ['fd00::9']],
    ['myapp', 'AAAA', 'NOERROR', []],
    ['v6app', 'A', 'NOERROR', []],
    ['myapp', 'TXT', 'NOERROR', []],
    ['myapp', 'ANY', 'NOERROR', ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
    ['nosuch', 'A', 'NXDOMAIN', []],
    ['nosuch.default.svc.cluster.local', 'AAAA', 'NXDOMAIN', []],
    ['myapp.other.svc.cluster.local', 'A', 'NXDOMAIN', []],
    ['myapp.default.svc.cluster.remote', 'A', 'NXDOMAIN', []],
    ['a.b.myapp.default.svc.cluster.local', 'A', 'NXDOMAIN', []],
    ['empty.default.svc.cluster.local', 'A', 'NXDOMAIN', []],
  ] as const)('%s %s → %s %j', (name, type, rcode, addresses) => {
    const reply = ask(createQuery(name, type));
    expect(reply.rcode).toBe(rcode);
    expect(reply.flag_aa).toBe(true);
    expect(getAddresses(reply)).toEqual(addresses);
  });

  it('puts the SOA of the cluster domain in negative answers inside it, with the TTL as minimum', () => {
    const nodata = ask(createQuery('myapp.default.svc.cluster.local', 'AAAA'));
    expect(nodata.authorities).toEqual([
      expect.objectContaining({ type: 'SOA', name: 'cluster.local', ttl: 5 }) as unknown,
    ]);
    expect(nodata.authorities?.[0]).toMatchObject({
      data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', minimum: 5 },
    });
    expect(ask(createQuery('nosuch')).authorities).toEqual([]);
    expect(ask(createQuery('myapp')).authorities).toEqual([]);
  });

  it('uses the zone namespace, domain and TTL', () => {
    const zone: DnsZone = { ...ZONE, namespace: 'bench', clusterDomain: 'example.internal', ttlSeconds: 30 };
    const reply = ask(createQuery('myapp.bench.svc.example.internal'), { zone });
    expect(getAddresses(reply)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(reply.answers?.[0]).toMatchObject({ ttl: 30 });
    expect(ask(createQuery('myapp.default.svc.cluster.local'), { zone }).rcode).toBe('NXDOMAIN');
  });

  it('truncates a UDP answer to 512 bytes with TC and whole records only', () => {
    const reply = answerDnsQuery(createQuery('big.default.svc.cluster.local'), options())!;
    const packet = decode(reply);
    expect(reply.length).toBeLessThanOrEqual(512);
    expect(packet.flag_tc).toBe(true);
    expect(packet.answers?.length).toBeGreaterThan(0);
    // One more 16-byte record would not have fitted.
    expect(reply.length + 16).toBeGreaterThan(512);
    expect(getAddresses(packet)).toEqual(ZONE.services.get('big')?.slice(0, packet.answers?.length));
  });

  it.each([
    [1232, true],
    [4096, false],
    [100, true],
  ])('honours an EDNS UDP size of %i (truncated: %s) and answers with an OPT record', (size, isTruncated) => {
    const reply = answerDnsQuery(createEdnsQuery('big', size), options())!;
    const packet = decode(reply);
    expect(reply.length).toBeLessThanOrEqual(Math.max(size, 512));
    expect(packet.flag_tc).toBe(isTruncated);
    expect(packet.answers?.length === 100).toBe(!isTruncated);
    expect(packet.additionals).toEqual([
      expect.objectContaining({ type: 'OPT', udpPayloadSize: 1232 }) as unknown,
    ]);
  });

  it('answers in full over TCP', () => {
    const packet = ask(createQuery('big'), { transport: 'tcp' });
    expect(packet.flag_tc).toBe(false);
    expect(getAddresses(packet)).toEqual(ZONE.services.get('big'));
  });

  it.each(['SERVFAIL', 'REFUSED'] as const)('injects %s, echoing the question', (fault) => {
    const reply = ask(createQuery('myapp'), { fault });
    expect(reply.rcode).toBe(fault);
    expect(reply.answers).toEqual([]);
    expect(reply.questions).toEqual([{ name: 'myapp', type: 'A', class: 'IN' }]);
  });

  it.each([
    ['no question', encode({ type: 'query', id: 7, questions: [] })],
    [
      'a cut-off question',
      encode({ type: 'query', id: 7, questions: [{ type: 'A', name: 'myapp' }] }).subarray(0, 15),
    ],
    [
      'two questions',
      encode({
        type: 'query',
        id: 7,
        questions: [
          { type: 'A', name: 'a' },
          { type: 'A', name: 'b' },
        ],
      }),
    ],
    ['a count larger than the data', Buffer.from([0, 7, 1, 0, 0, 9, 0, 0, 0, 0, 0, 0, 1, 97, 0])],
  ])('answers FORMERR to %s', (_label, query) => {
    const reply = ask(query);
    expect(reply.rcode).toBe('FORMERR');
    expect(reply.id).toBe(7);
    expect(reply.flag_qr).toBe(true);
  });

  it('answers NOTIMP to another opcode and REFUSED to another class', () => {
    const status = encode({
      type: 'query',
      id: 9,
      flags: 2 << 11,
      questions: [{ type: 'A', name: 'myapp' }],
    });
    expect(ask(status).rcode).toBe('NOTIMP');
    expect(
      ask(createQuery('myapp', 'A', { questions: [{ type: 'A', name: 'myapp', class: 'CH' }] })).rcode,
    ).toBe('REFUSED');
  });

  it('echoes the question byte for byte, even a label holding a dot', () => {
    const query = createQuery('myapp.default');
    query[13] = 0x2e;
    const reply = answerDnsQuery(query, options())!;
    const questionBytes = query.length - 12;
    expect(reply.subarray(12, 12 + questionBytes)).toEqual(query.subarray(12));
    expect(ask(query).rcode).toBe('NXDOMAIN');
  });

  it('does not reply to responses or to messages shorter than a header', () => {
    const response = encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'myapp' }] });
    expect(answerDnsQuery(response, options())).toBeUndefined();
    expect(answerDnsQuery(Buffer.from([1, 2, 3]), options())).toBeUndefined();
    expect(isDnsQuery(response)).toBe(false);
    expect(isDnsQuery(Buffer.alloc(11))).toBe(false);
    expect(isDnsQuery(createQuery('myapp'))).toBe(true);
  });

  it('never throws on arbitrary bytes and replies with a decodable packet of the same id', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
        const reply = answerDnsQuery(bytes, options());
        if (reply === undefined) {
          return bytes.length < 12 || (bytes[2]! & 0x80) !== 0;
        }
        const packet = decode(reply);
        return packet.flag_qr && packet.id === ((bytes[0]! << 8) | bytes[1]!);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on a valid query with random bytes flipped', () => {
    const query = createEdnsQuery('myapp.default.svc.cluster.local', 1232);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(query.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        (flips) => {
          const mutated = Buffer.from(query);
          for (const [index, value] of flips) {
            mutated[index] = value;
          }
          const reply = answerDnsQuery(mutated, options());
          return reply === undefined || decode(reply).flag_qr;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
