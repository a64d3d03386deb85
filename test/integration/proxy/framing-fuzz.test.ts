import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../src/backends/local/dns-server.js';
import type { DnsServer } from '../../../src/backends/local/dns-server.js';
import { findNginx } from '../../../src/backends/local/upstream-server.js';
import { formatCaseBytes, generateMutatedCases, SMUGGLING_CORPUS } from '../../support/framing-cases.js';
import type { FramingCase } from '../../support/framing-cases.js';
import { readHosts, waitForHosts } from '../../support/proxy-fixture.js';
import { renderTestConfig, startProxyUnderTest } from '../../support/proxy-under-test.js';
import type { ProxyUnderTest } from '../../support/proxy-under-test.js';
import { startNginxUpstream, startStrictNodeUpstream } from '../../support/strict-upstreams.js';
import type { CountingUpstream } from '../../support/strict-upstreams.js';

// LBB_FUZZ_CASES raises the number of random mutations (the corpus always runs); LBB_FUZZ_SEED changes them.
const MUTATION_COUNT = Number(process.env.LBB_FUZZ_CASES ?? 5000);
const SEED = Number(process.env.LBB_FUZZ_SEED ?? 20261202);
const CONCURRENCY = 24;
const BATCH_SIZE = 400;
// A case's connection is given up once it has been quiet this long: the proxy may be waiting for more bytes.
const QUIET_MS = 40;

const nginxPath = await findNginx();
let dns: DnsServer;
let nodeUpstream: Awaited<ReturnType<typeof startStrictNodeUpstream>>;
let upstreams: CountingUpstream[] = [];
let proxy: ProxyUnderTest;

beforeAll(async () => {
  dns = await startDnsServer({ host: '127.0.0.1', port: 0 });
  nodeUpstream = await startStrictNodeUpstream('127.0.6.2');
  upstreams = [nodeUpstream];
  if (nginxPath !== undefined)
    upstreams.push(await startNginxUpstream(nginxPath, '127.0.6.1', nodeUpstream.port));
  dns.setService(
    'fuzz',
    upstreams.map((upstream) => upstream.ip),
  );
  proxy = await startProxyUnderTest({
    configText: renderTestConfig({ policy: 'ROUND_ROBIN', service: 'fuzz', port: nodeUpstream.port }),
    dnsServer: `127.0.0.1:${dns.port}`,
  });
  await waitForHosts(
    proxy.adminUrl,
    upstreams.map((upstream) => `${upstream.ip}:${upstream.port}`),
  );
});

afterAll(async () => {
  await proxy.stop();
  await Promise.all(upstreams.map((upstream) => upstream.close()));
  await dns.close();
});

/** Sends one case on its own connection; returns when the proxy closed it or it went quiet. */
function sendCase(bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(proxy.trafficPort, '127.0.0.1');
    let quietTimer: NodeJS.Timeout | undefined;
    const rearm = (): void => {
      clearTimeout(quietTimer);
      quietTimer = setTimeout(() => socket.destroy(), QUIET_MS);
    };
    socket.on('connect', () => {
      socket.write(bytes);
      rearm();
    });
    socket.on('data', rearm);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(quietTimer);
      resolve();
    });
  });
}

interface Totals {
  readonly forwarded: number;
  readonly parsed: number;
  /** Per upstream: what the proxy forwarded to it, and what it parsed. */
  readonly perUpstream: readonly string[];
}

async function readTotals(): Promise<Totals> {
  const hosts = await readHosts(proxy.adminUrl);
  const counts = await Promise.all(upstreams.map((upstream) => upstream.countRequests()));
  const perUpstream = upstreams.map((upstream, index) => {
    const host = hosts.find((candidate) => candidate.address === `${upstream.ip}:${upstream.port}`);
    return `${upstream.name} ${host?.counters.rq_total ?? 0}/${counts[index] ?? 0}`;
  });
  return {
    forwarded: hosts.reduce((sum, host) => sum + host.counters.rq_total, 0),
    parsed: counts.reduce((sum, count) => sum + count, 0),
    perUpstream,
  };
}

/** Waits until the upstreams parsed as many requests as the proxy forwarded since `base` (or time runs out). */
async function settle(base: Totals, timeoutMs = 3000): Promise<Totals> {
  const started = Date.now();
  for (;;) {
    const totals = await readTotals();
    const isEqual = totals.forwarded - base.forwarded === totals.parsed - base.parsed;
    if (isEqual || Date.now() - started > timeoutMs) return totals;
    await delay(25);
  }
}

async function runConcurrently(cases: readonly FramingCase[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const framingCase = cases[next++];
        if (framingCase !== undefined) await sendCase(framingCase.bytes);
      }
    }),
  );
}

/** Replays a batch one case at a time and names every case after which the counts disagree. */
async function findCulprits(cases: readonly FramingCase[]): Promise<string[]> {
  const culprits: string[] = [];
  for (const framingCase of cases) {
    const before = await readTotals();
    await sendCase(framingCase.bytes);
    const after = await settle(before);
    const forwarded = after.forwarded - before.forwarded;
    const parsed = after.parsed - before.parsed;
    if (forwarded !== parsed)
      culprits.push(
        `${framingCase.name}: proxy forwarded ${forwarded}, upstreams parsed ${parsed} ` +
          `(forwarded/parsed before [${before.perUpstream.join(', ')}], after [${after.perUpstream.join(', ')}]): ` +
          formatCaseBytes(framingCase.bytes),
      );
  }
  return culprits;
}

describe('differential framing fuzz through the proxy', () => {
  it.runIf(nginxPath !== undefined || process.env.CI !== 'true')(
    `every upstream parses exactly the requests the proxy forwarded (${SMUGGLING_CORPUS.length} corpus cases + ${MUTATION_COUNT} mutations)`,
    async () => {
      const cases = [...SMUGGLING_CORPUS, ...generateMutatedCases(SEED, MUTATION_COUNT)];
      let base = await readTotals();
      for (let start = 0; start < cases.length; start += BATCH_SIZE) {
        const batch = cases.slice(start, start + BATCH_SIZE);
        await runConcurrently(batch);
        const totals = await settle(base);
        if (totals.forwarded - base.forwarded !== totals.parsed - base.parsed) {
          const culprits = await findCulprits(batch);
          expect.fail(
            `the upstreams disagree with the proxy about framing:\n${culprits.join('\n')}\n` +
              `llhttp refused: ${nodeUpstream.clientErrors.join('\n')}`,
          );
        }
        base = totals;
      }
      expect(nodeUpstream.clientErrors, 'llhttp refused bytes the proxy wrote').toEqual([]);
      expect(base.forwarded).toBeGreaterThan(MUTATION_COUNT / 10);
      // The proxy is alive and still answers a normal request.
      const response = await fetch(`${proxy.trafficUrl}/after-fuzz`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok\n');
    },
    120_000 + MUTATION_COUNT * 5,
  );
});
