import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { DnsLookupFamily } from '../types.js';

/** One address from a DNS answer with the record's TTL. */
export interface ResolvedAddress {
  readonly ip: string;
  readonly ttlSeconds: number;
}

/**
 * The result of one resolution, as Envoy's resolver reports it: `ok` (Envoy's `Completed`, possibly with no
 * addresses for NXDOMAIN/NODATA) or `failure` (timeout, SERVFAIL, refused, …).
 */
export type ResolveOutcome =
  | { readonly status: 'ok'; readonly addresses: readonly ResolvedAddress[] }
  | { readonly status: 'failure'; readonly reason: string };

/** Resolves a DNS name for a lookup family; never rejects. */
export type Resolve = (name: string, family: DnsLookupFamily) => Promise<ResolveOutcome>;

/** A single-family DNS query (A or AAAA); never rejects. */
export type QueryRecords = (name: string, type: 'A' | 'AAAA') => Promise<ResolveOutcome>;

/** Options of {@link createDnsResolver}. */
export interface DnsResolverOptions {
  /** Servers in order of preference, each `"127.0.0.1:5353"`, `"[::1]:53"` or a bare IP; none = the system's. */
  readonly servers: readonly string[];
  /** c-ares per-try timeout. */
  readonly timeoutMs: number;
  /** c-ares attempts per server before giving up. */
  readonly tries: number;
}

// c-ares reports NXDOMAIN as ENOTFOUND and NOERROR-without-records as ENODATA; Envoy's c-ares resolver turns
// both into a Completed resolution with no addresses (dns_impl.cc, isResponseWithNoRecords).
const NO_RECORDS_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'ENODATA']);

/** Creates a {@link Resolve} backed by c-ares (`node:dns`), the resolver library Envoy uses. */
export function createDnsResolver(options: DnsResolverOptions): Resolve {
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: options.tries });
  if (options.servers.length > 0) {
    try {
      resolver.setServers([...options.servers]);
    } catch (error) {
      throw new Error(
        `DNS servers ${options.servers.map((server) => `"${server}"`).join(', ')}: not addresses c-ares accepts; ` +
          'use "IP", "IP:port" or "[IPv6]:port"',
        { cause: error },
      );
    }
  }
  const query: QueryRecords = (name, type) => queryRecords(resolver, name, type);
  return (name, family) => resolveWithFamily(name, family, query);
}

/**
 * Resolves `name` for `family` with single-family queries, following Envoy's c-ares resolver: AUTO asks AAAA
 * then A when there is no v6 address, V4_PREFERRED the reverse, ALL both at once. An IP literal is its own
 * answer and sends no query.
 */
export async function resolveWithFamily(
  name: string,
  family: DnsLookupFamily,
  query: QueryRecords,
): Promise<ResolveOutcome> {
  const literal = resolveIpLiteral(name, family);
  if (literal !== undefined) {
    return literal;
  }
  switch (family) {
    case 'V4_ONLY':
      return query(name, 'A');
    case 'V6_ONLY':
      return query(name, 'AAAA');
    case 'AUTO':
      return resolveWithFallback(name, ['AAAA', 'A'], query);
    case 'V4_PREFERRED':
      return resolveWithFallback(name, ['A', 'AAAA'], query);
    case 'ALL':
      return mergeOutcomes(await Promise.all([query(name, 'A'), query(name, 'AAAA')]));
  }
}

/** The answer for an IP literal (TTL 0, so respect_dns_ttl falls back to the refresh rate), or undefined. */
function resolveIpLiteral(name: string, family: DnsLookupFamily): ResolveOutcome | undefined {
  const version = isIP(name);
  if (version === 0) {
    return undefined;
  }
  const excluded = (family === 'V4_ONLY' && version === 6) || (family === 'V6_ONLY' && version === 4);
  return { status: 'ok', addresses: excluded ? [] : [{ ip: name, ttlSeconds: 0 }] };
}

async function resolveWithFallback(
  name: string,
  [firstType, secondType]: readonly ['A' | 'AAAA', 'A' | 'AAAA'],
  query: QueryRecords,
): Promise<ResolveOutcome> {
  const first = await query(name, firstType);
  if (first.status === 'ok' && first.addresses.length > 0) {
    return first;
  }
  // The second family is asked whenever the first gave no address, failed or not. Envoy keeps a Completed
  // status once any leg completed, so "AAAA NODATA, A timeout" is an empty success.
  const second = await query(name, secondType);
  return mergeOutcomes([first, second]);
}

/** Combines per-family outcomes: ok when any family completed, addresses in the given order. */
function mergeOutcomes(outcomes: readonly ResolveOutcome[]): ResolveOutcome {
  const completed = outcomes.filter((outcome) => outcome.status === 'ok');
  if (completed.length === 0) {
    const reasons = outcomes.map((outcome) => (outcome.status === 'failure' ? outcome.reason : ''));
    return { status: 'failure', reason: reasons.join('; ') };
  }
  return { status: 'ok', addresses: completed.flatMap((outcome) => outcome.addresses) };
}

async function queryRecords(resolver: Resolver, name: string, type: 'A' | 'AAAA'): Promise<ResolveOutcome> {
  try {
    const records =
      type === 'A'
        ? await resolver.resolve4(name, { ttl: true })
        : await resolver.resolve6(name, { ttl: true });
    return {
      status: 'ok',
      addresses: records.map((record) => ({ ip: record.address, ttlSeconds: record.ttl })),
    };
  } catch (error) {
    const code = getErrorCode(error);
    if (code !== undefined && NO_RECORDS_CODES.has(code)) {
      return { status: 'ok', addresses: [] };
    }
    return { status: 'failure', reason: `${type} ${name}: ${code ?? String(error)}` };
  }
}

function getErrorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
