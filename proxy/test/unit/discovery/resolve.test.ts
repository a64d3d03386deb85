import { describe, expect, it } from 'vitest';
import { createDnsResolver, resolveWithFamily } from '../../../src/discovery/resolve.js';
import type { QueryRecords, ResolveOutcome } from '../../../src/discovery/resolve.js';
import type { DnsLookupFamily } from '../../../src/types.js';
import { answer, failure } from './fake-deps.js';

type Script = Partial<Record<'A' | 'AAAA', ResolveOutcome>>;

const V4 = answer(['10.0.0.1', '10.0.0.2']);
const V6 = answer(['fd00::1']);
const EMPTY = answer([]);
const FAIL = failure('ESERVFAIL');

/** A query function answering from the script and recording which types were asked, in order. */
function createScriptedQuery(script: Script): { query: QueryRecords; asked: string[] } {
  const asked: string[] = [];
  const query: QueryRecords = (_name, type) => {
    asked.push(type);
    const outcome = script[type];
    return outcome === undefined ? Promise.reject(new Error(`unscripted ${type}`)) : Promise.resolve(outcome);
  };
  return { query, asked };
}

function ips(outcome: ResolveOutcome): string[] | 'failure' {
  return outcome.status === 'ok' ? outcome.addresses.map((address) => address.ip) : 'failure';
}

describe('resolveWithFamily', () => {
  it.each<[DnsLookupFamily, Script, string[], string[] | 'failure']>([
    ['V4_ONLY', { A: V4 }, ['A'], ['10.0.0.1', '10.0.0.2']],
    ['V4_ONLY', { A: FAIL }, ['A'], 'failure'],
    ['V6_ONLY', { AAAA: V6 }, ['AAAA'], ['fd00::1']],
    ['V6_ONLY', { AAAA: EMPTY }, ['AAAA'], []],
    ['AUTO', { AAAA: V6 }, ['AAAA'], ['fd00::1']],
    ['AUTO', { AAAA: EMPTY, A: V4 }, ['AAAA', 'A'], ['10.0.0.1', '10.0.0.2']],
    ['AUTO', { AAAA: FAIL, A: V4 }, ['AAAA', 'A'], ['10.0.0.1', '10.0.0.2']],
    ['AUTO', { AAAA: EMPTY, A: EMPTY }, ['AAAA', 'A'], []],
    ['AUTO', { AAAA: EMPTY, A: FAIL }, ['AAAA', 'A'], []],
    ['AUTO', { AAAA: FAIL, A: FAIL }, ['AAAA', 'A'], 'failure'],
    ['V4_PREFERRED', { A: V4 }, ['A'], ['10.0.0.1', '10.0.0.2']],
    ['V4_PREFERRED', { A: EMPTY, AAAA: V6 }, ['A', 'AAAA'], ['fd00::1']],
    ['V4_PREFERRED', { A: FAIL, AAAA: FAIL }, ['A', 'AAAA'], 'failure'],
    ['ALL', { A: V4, AAAA: V6 }, ['A', 'AAAA'], ['10.0.0.1', '10.0.0.2', 'fd00::1']],
    ['ALL', { A: FAIL, AAAA: V6 }, ['A', 'AAAA'], ['fd00::1']],
    ['ALL', { A: EMPTY, AAAA: EMPTY }, ['A', 'AAAA'], []],
    ['ALL', { A: FAIL, AAAA: FAIL }, ['A', 'AAAA'], 'failure'],
  ])('%s with %j asks %j and gives %j', async (family, script, expectedAsked, expected) => {
    const { query, asked } = createScriptedQuery(script);
    expect(ips(await resolveWithFamily('myapp', family, query))).toEqual(expected);
    expect(asked).toEqual(expectedAsked);
  });

  it('keeps TTLs and joins failure reasons', async () => {
    const { query } = createScriptedQuery({ A: answer(['10.0.0.1'], 17), AAAA: failure('x') });
    expect(await resolveWithFamily('myapp', 'ALL', query)).toEqual({
      status: 'ok',
      addresses: [{ ip: '10.0.0.1', ttlSeconds: 17 }],
    });
    const failing = createScriptedQuery({
      A: failure('A myapp: ETIMEOUT'),
      AAAA: failure('AAAA myapp: ESERVFAIL'),
    });
    expect(await resolveWithFamily('myapp', 'ALL', failing.query)).toEqual({
      status: 'failure',
      reason: 'A myapp: ETIMEOUT; AAAA myapp: ESERVFAIL',
    });
  });

  it.each<[string, DnsLookupFamily, string[]]>([
    ['10.1.2.3', 'V4_ONLY', ['10.1.2.3']],
    ['10.1.2.3', 'AUTO', ['10.1.2.3']],
    ['10.1.2.3', 'V6_ONLY', []],
    ['::1', 'V6_ONLY', ['::1']],
    ['::1', 'ALL', ['::1']],
    ['::1', 'V4_ONLY', []],
  ])('resolves the literal %s (%s) without a query', async (literal, family, expected) => {
    const { query, asked } = createScriptedQuery({});
    const outcome = await resolveWithFamily(literal, family, query);
    expect(ips(outcome)).toEqual(expected);
    expect(asked).toEqual([]);
    if (outcome.status === 'ok' && outcome.addresses[0] !== undefined) {
      expect(outcome.addresses[0].ttlSeconds).toBe(0);
    }
  });
});

describe('createDnsResolver', () => {
  it('rejects a server address c-ares does not accept', () => {
    expect(() => createDnsResolver({ servers: ['dns.example:53'], timeoutMs: 100, tries: 1 })).toThrow(
      /DNS servers "dns.example:53": not addresses c-ares accepts/,
    );
  });

  it('answers an IP literal without any server', async () => {
    const resolve = createDnsResolver({ servers: ['127.0.0.1:9'], timeoutMs: 100, tries: 1 });
    expect(await resolve('127.0.0.5', 'AUTO')).toEqual({
      status: 'ok',
      addresses: [{ ip: '127.0.0.5', ttlSeconds: 0 }],
    });
  });
});
