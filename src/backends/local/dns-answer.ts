import { isIPv4, isIPv6 } from 'node:net';
import { decode, encode } from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Question } from 'dns-packet';
import { getServiceName, isInClusterDomain } from './dns-names.js';
import type { DnsNaming } from './dns-names.js';
import {
  DNS_HEADER_BYTES,
  FLAG,
  RCODE,
  assembleReply,
  encodeAddressRecords,
  getAddressRecordBytes,
  readDnsHeader,
  readRawQuestion,
} from './dns-wire.js';
import type { DnsHeader } from './dns-wire.js';

/** What the server knows: headless Services with their Ready pod IPs, and how to name them. */
export interface DnsZone extends DnsNaming {
  /** Service name (lowercase) → pod IPs in answer order. An empty list answers NXDOMAIN, as CoreDNS does. */
  readonly services: ReadonlyMap<string, readonly string[]>;
  readonly ttlSeconds: number;
}

/** An error response injected for testing. */
export type DnsFault = 'SERVFAIL' | 'REFUSED';

/** How a query is answered. */
export interface DnsAnswerOptions {
  readonly zone: DnsZone;
  /** UDP answers are truncated (TC) to 512 bytes or the client's EDNS size; TCP answers are complete. */
  readonly transport: 'udp' | 'tcp';
  readonly fault: DnsFault | undefined;
}

// RFC 1035 §4.2.1 (512 without EDNS), RFC 6891 §6.2.5 (values below 512 mean 512), IPv4's UDP maximum.
const UDP_DEFAULT_BYTES = 512;
const UDP_MAX_BYTES = 65_507;
const TCP_MAX_BYTES = 65_535;
/** EDNS buffer size this server advertises (the DNS Flag Day 2020 value). */
const ADVERTISED_UDP_BYTES = 1232;
const SOA_SERIAL = 1;

/** True when a message has a full header and is a query, i.e. deserves a reply (or an injected fault). */
export function isDnsQuery(message: Uint8Array): boolean {
  const header = readDnsHeader(message);
  return header !== undefined && !header.isResponse;
}

/**
 * Answers one DNS query message the way CoreDNS's kubernetes plugin answers a headless Service: one A (AAAA)
 * record per pod IP, authoritative, NODATA for a known name asked another type, NXDOMAIN for unknown names
 * and for Services without Ready pods. Returns undefined when no reply is due (no full header, or a response).
 */
export function answerDnsQuery(message: Uint8Array, options: DnsAnswerOptions): Buffer | undefined {
  const header = readDnsHeader(message);
  if (header === undefined || header.isResponse) {
    return undefined;
  }
  const buffer = Buffer.from(message.buffer, message.byteOffset, message.length);
  try {
    return answerPacket(header, buffer, decode(buffer), options);
  } catch {
    // dns-packet throws on anything it cannot parse: RFC 1035 says FORMERR.
    return encodeReply(header, { rcode: RCODE.FORMERR, question: undefined });
  }
}

function answerPacket(
  header: DnsHeader,
  message: Buffer,
  packet: DecodedPacket,
  options: DnsAnswerOptions,
): Buffer {
  const question = packet.questions?.[0];
  const rawQuestion = readRawQuestion(message);
  if (question === undefined || rawQuestion === undefined || header.questionCount !== 1) {
    return encodeReply(header, { rcode: RCODE.FORMERR, question: undefined });
  }
  const opt = packet.additionals?.find((record): record is OptAnswer => record.type === 'OPT');
  const base = { question: rawQuestion, opt };
  if (header.opcode !== 0) {
    return encodeReply(header, { ...base, rcode: RCODE.NOTIMP });
  }
  if (options.fault !== undefined) {
    return encodeReply(header, { ...base, rcode: RCODE[options.fault] });
  }
  if ((question.class ?? 'IN') !== 'IN') {
    return encodeReply(header, { ...base, rcode: RCODE.REFUSED });
  }
  const limitBytes = getSizeLimitBytes(options.transport, opt);
  return answerQuestion(header, { question, rawQuestion, opt, limitBytes, zone: options.zone });
}

function answerQuestion(
  header: DnsHeader,
  query: {
    readonly question: Question;
    readonly rawQuestion: Buffer;
    readonly opt: OptAnswer | undefined;
    readonly zone: DnsZone;
    readonly limitBytes: number;
  },
): Buffer {
  const { question, zone } = query;
  const service = getServiceName(question.name, zone);
  const ips = service === undefined ? [] : (zone.services.get(service) ?? []);
  const authorities = isInClusterDomain(question.name, zone) ? [createSoaRecord(zone)] : [];
  const base = { question: query.rawQuestion, opt: query.opt, isAuthoritative: true };
  if (ips.length === 0) {
    return encodeReply(header, { ...base, rcode: RCODE.NXDOMAIN, authorities });
  }
  const matching = ips.filter((ip) => isAskedFor(question.type, ip));
  if (matching.length === 0) {
    return encodeReply(header, { ...base, rcode: RCODE.NOERROR, authorities });
  }
  const emptyBytes = encodeReply(header, { ...base, rcode: RCODE.NOERROR }).length;
  const fitting = countFittingRecords(matching, query.limitBytes - emptyBytes);
  return encodeReply(header, {
    ...base,
    rcode: RCODE.NOERROR,
    isTruncated: fitting < matching.length,
    answers: matching.slice(0, fitting),
    ttlSeconds: zone.ttlSeconds,
  });
}

function isAskedFor(type: string, ip: string): boolean {
  return (type === 'A' && isIPv4(ip)) || (type === 'AAAA' && isIPv6(ip)) || type === 'ANY';
}

function getSizeLimitBytes(transport: DnsAnswerOptions['transport'], opt: OptAnswer | undefined): number {
  if (transport === 'tcp') {
    return TCP_MAX_BYTES;
  }
  const advertised = opt?.udpPayloadSize ?? UDP_DEFAULT_BYTES;
  return Math.min(Math.max(advertised, UDP_DEFAULT_BYTES), UDP_MAX_BYTES);
}

function countFittingRecords(ips: readonly string[], spaceBytes: number): number {
  let usedBytes = 0;
  let count = 0;
  for (const ip of ips) {
    usedBytes += getAddressRecordBytes(ip);
    if (usedBytes > spaceBytes) {
      break;
    }
    count += 1;
  }
  return count;
}

// CoreDNS's kubernetes plugin SOA: ns.dns.<zone>, hostmaster.<zone>, minimum = the plugin's TTL.
function createSoaRecord(zone: DnsZone): Answer {
  return {
    type: 'SOA',
    name: zone.clusterDomain,
    ttl: zone.ttlSeconds,
    data: {
      mname: `ns.dns.${zone.clusterDomain}`,
      rname: `hostmaster.${zone.clusterDomain}`,
      serial: SOA_SERIAL,
      refresh: 7200,
      retry: 1800,
      expire: 86_400,
      minimum: zone.ttlSeconds,
    },
  };
}

interface ReplyParts {
  readonly rcode: number;
  /** The query's question, echoed byte for byte. */
  readonly question: Buffer | undefined;
  readonly opt?: OptAnswer | undefined;
  readonly answers?: readonly string[];
  readonly ttlSeconds?: number;
  readonly authorities?: readonly Answer[];
  readonly isAuthoritative?: boolean;
  readonly isTruncated?: boolean;
}

function encodeReply(header: DnsHeader, parts: ReplyParts): Buffer {
  const flags =
    (header.opcode << 11) |
    (header.flags & (FLAG.RD | FLAG.CD)) |
    (parts.isAuthoritative === true ? FLAG.AA : 0) |
    (parts.isTruncated === true ? FLAG.TC : 0) |
    parts.rcode;
  const authorities = [...(parts.authorities ?? [])];
  // The server's own EDNS record (RFC 6891 §6.1.1): its buffer size, no options, no DO bit.
  const additionals: Answer[] =
    parts.opt === undefined
      ? []
      : [{ ...parts.opt, udpPayloadSize: ADVERTISED_UDP_BYTES, extendedRcode: 0, flags: 0, options: [] }];
  const rest = encode({ type: 'response', questions: [], authorities, additionals }).subarray(
    DNS_HEADER_BYTES,
  );
  const answers = parts.answers ?? [];
  return assembleReply({
    id: header.id,
    flags,
    question: parts.question,
    answers: encodeAddressRecords(answers, parts.ttlSeconds ?? 0),
    answerCount: answers.length,
    rest,
    authorityCount: authorities.length,
    additionalCount: additionals.length,
  });
}
