import { isIPv4, isIPv6 } from 'node:net';

/** DNS header size in bytes (RFC 1035 §4.1.1). */
export const DNS_HEADER_BYTES = 12;
/** Response codes this server sends (RFC 1035 §4.1.1). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
/** Header flag bits (RFC 1035 §4.1.1). */
export const FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, CD: 0x0010 } as const;

const TYPE_A = 1;
const TYPE_AAAA = 28;
const CLASS_IN = 1;
// A compression pointer (RFC 1035 §4.1.4) to the question name, which always starts right after the header.
const POINTER_TO_QUESTION_NAME = 0xc000 | DNS_HEADER_BYTES;

/** The fields of a DNS header that a reply depends on. */
export interface DnsHeader {
  readonly id: number;
  readonly isResponse: boolean;
  readonly opcode: number;
  readonly flags: number;
  readonly questionCount: number;
}

/** Reads the fixed 12-byte header, or undefined when the message is shorter than that. */
export function readDnsHeader(message: Uint8Array): DnsHeader | undefined {
  if (message.length < DNS_HEADER_BYTES) {
    return undefined;
  }
  const view = Buffer.from(message.buffer, message.byteOffset, message.length);
  const flags = view.readUInt16BE(2);
  return {
    id: view.readUInt16BE(0),
    isResponse: (flags & FLAG.QR) !== 0,
    opcode: (flags >> 11) & 0xf,
    flags,
    questionCount: view.readUInt16BE(4),
  };
}

/**
 * The bytes of the first question (name, type, class) right after the header, or undefined when its name
 * uses compression or runs past the end. Replies echo these bytes unchanged.
 */
export function readRawQuestion(message: Buffer): Buffer | undefined {
  let offset = DNS_HEADER_BYTES;
  for (let length = message[offset]; length !== 0; length = message[offset]) {
    if (length === undefined || length > 63) {
      return undefined;
    }
    offset += 1 + length;
  }
  const end = offset + 1 + 4;
  return end <= message.length ? message.subarray(DNS_HEADER_BYTES, end) : undefined;
}

/** The sections of a reply, already encoded, and their record counts. */
export interface ReplySections {
  readonly id: number;
  readonly flags: number;
  readonly question: Buffer | undefined;
  readonly answers: Buffer;
  readonly answerCount: number;
  /** Authority and additional sections as encoded bytes, with their counts. */
  readonly rest: Buffer;
  readonly authorityCount: number;
  readonly additionalCount: number;
}

/** Writes a reply: header (with QR), question, answers, then the authority and additional sections. */
export function assembleReply(sections: ReplySections): Buffer {
  const header = Buffer.alloc(DNS_HEADER_BYTES);
  header.writeUInt16BE(sections.id, 0);
  header.writeUInt16BE(FLAG.QR | sections.flags, 2);
  header.writeUInt16BE(sections.question === undefined ? 0 : 1, 4);
  header.writeUInt16BE(sections.answerCount, 6);
  header.writeUInt16BE(sections.authorityCount, 8);
  header.writeUInt16BE(sections.additionalCount, 10);
  return Buffer.concat([header, sections.question ?? Buffer.alloc(0), sections.answers, sections.rest]);
}

/** The wire size of one A (16 bytes) or AAAA (28 bytes) record whose owner name is a compression pointer. */
export function getAddressRecordBytes(ip: string): number {
  return 12 + (isIPv6(ip) ? 16 : 4);
}

/** Encodes A/AAAA records owned by the question name, class IN, with the given TTL. */
export function encodeAddressRecords(ips: readonly string[], ttlSeconds: number): Buffer {
  const parts = ips.map((ip) => {
    const data = encodeIpAddress(ip);
    const record = Buffer.alloc(12 + data.length);
    record.writeUInt16BE(POINTER_TO_QUESTION_NAME, 0);
    record.writeUInt16BE(data.length === 16 ? TYPE_AAAA : TYPE_A, 2);
    record.writeUInt16BE(CLASS_IN, 4);
    record.writeUInt32BE(ttlSeconds, 6);
    record.writeUInt16BE(data.length, 10);
    data.copy(record, 12);
    return record;
  });
  return Buffer.concat(parts);
}

/** Encodes an IPv4 (4 bytes) or IPv6 (16 bytes, `::` and a dotted IPv4 tail allowed) address. */
export function encodeIpAddress(ip: string): Buffer {
  if (isIPv4(ip)) {
    return Buffer.from(ip.split('.').map(Number));
  }
  if (!isIPv6(ip)) {
    throw new TypeError(`not an IP address: "${ip}"`);
  }
  const [head = '', tail] = ip.split('::');
  const toGroups = (part: string | undefined): number[] =>
    part === undefined || part === '' ? [] : part.split(':').flatMap(parseIpv6Group);
  const headGroups = toGroups(head);
  const tailGroups = toGroups(tail);
  const zeros =
    tail === undefined ? [] : new Array<number>(8 - headGroups.length - tailGroups.length).fill(0);
  const bytes = Buffer.alloc(16);
  [...headGroups, ...zeros, ...tailGroups].forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

function parseIpv6Group(group: string): number[] {
  if (group.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  }
  return [Number.parseInt(group, 16)];
}
