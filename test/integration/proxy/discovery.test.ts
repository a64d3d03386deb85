import { afterEach, describe, expect, it } from 'vitest';
import { createSystemDiscoveryDeps, startDiscovery } from '../../../proxy/src/discovery/discovery.js';
import { createDnsResolver } from '../../../proxy/src/discovery/resolve.js';
import type { Resolve } from '../../../proxy/src/discovery/resolve.js';
import type { Discovery, DiscoveryStat } from '../../../proxy/src/discovery/types.js';
import type { ClusterConfig, DnsLookupFamily } from '../../../proxy/src/types.js';
import { startDnsServer } from '../../../src/backends/local/dns-server.js';
import type { DnsServer, DnsServerOptions } from '../../../src/backends/local/dns-server.js';
import { createCluster, createEndpoint } from '../../../proxy/test/unit/discovery/fake-deps.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function startServer(options: Partial<DnsServerOptions> = {}): Promise<DnsServer> {
  const server = await startDnsServer({ host: '127.0.0.1', ...options });
  cleanups.push(() => server.close());
  return server;
}

function createResolve(server: DnsServer, timeoutMs = 1000): Resolve {
  return createDnsResolver({ servers: [`${server.host}:${server.port}`], timeoutMs, tries: 1 });
}

/** Runs discovery against the server with real timers and records what it reports. */
function discover(server: DnsServer, overrides: Partial<ClusterConfig> = {}, timeoutMs = 1000) {
  const updates: string[][] = [];
  const stats: DiscoveryStat[] = [];
  const cluster = createCluster({
    endpoints: [createEndpoint('myapp.default.svc.cluster.local')],
    dnsRefreshRateMs: 200,
    ...overrides,
  });
  const discovery: Discovery = startDiscovery(
    cluster,
    createSystemDiscoveryDeps(createResolve(server, timeoutMs)),
    {
      onHosts: (hosts) => updates.push(hosts.map((host) => `${host.ip}:${host.port}`)),
      onStat: (name) => stats.push(name),
    },
  );
  cleanups.push(() => {
    discovery.stop();
  });
  const latest = (): string[] => updates.at(-1) ?? [];
  return { discovery, updates, stats, latest };
}

/** Polls until `check` holds; the deadline only bounds a broken run, nothing asserts on time. */
async function waitFor(check: () => boolean, what: string, deadlineMs = 15_000): Promise<void> {
  await expect.poll(check, { timeout: deadlineMs, interval: 20, message: `waiting for ${what}` }).toBe(true);
}

function count(stats: readonly DiscoveryStat[], name: DiscoveryStat): number {
  return stats.filter((stat) => stat === name).length;
}

const PODS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];

describe('STRICT_DNS discovery against the embedded DNS server', () => {
  it('follows pods being added, removed, and the Service losing every pod (NXDOMAIN)', async () => {
    const server = await startServer();
    server.setService('myapp', PODS.slice(0, 2));
    const run = discover(server);
    await run.discovery.initialized;
    await waitFor(() => run.latest().length === 2, 'the first two pods');
    expect(run.latest()).toEqual(['127.0.0.2:80', '127.0.0.3:80']);

    server.setService('myapp', PODS);
    await waitFor(() => run.latest().length === 3, 'the added pod');
    expect(run.latest()).toEqual(['127.0.0.2:80', '127.0.0.3:80', '127.0.0.4:80']);

    server.setService('myapp', ['127.0.0.2', '127.0.0.4']);
    await waitFor(() => run.latest().length === 2, 'the removed pod');
    expect(run.latest()).toEqual(['127.0.0.2:80', '127.0.0.4:80']);

    server.setService('myapp', []);
    await waitFor(() => run.latest().length === 0, 'an empty host set');
    expect(run.updates).toHaveLength(4);
    expect(count(run.stats, 'update_failure')).toBe(0);
  });

  it.each(['SERVFAIL', 'TIMEOUT'] as const)(
    'keeps the last hosts while resolution fails with %s',
    async (fault) => {
      const server = await startServer();
      server.setService('myapp', PODS);
      const run = discover(server, {}, 300);
      await waitFor(() => run.latest().length === 3, 'the pods');
      const updatesBefore = run.updates.length;
      server.failNext(3, fault);
      await waitFor(() => count(run.stats, 'update_failure') >= 3, 'three failed resolutions');
      const failuresSeenAt = run.stats.length;
      await waitFor(() => run.stats.slice(failuresSeenAt).includes('update_no_rebuild'), 'a good resolution');
      expect(run.updates).toHaveLength(updatesBefore);
      expect(run.latest()).toEqual(['127.0.0.2:80', '127.0.0.3:80', '127.0.0.4:80']);
    },
  );

  it('re-resolves after the record TTL with respect_dns_ttl, although the refresh rate is 10 minutes', async () => {
    const server = await startServer({ ttlSeconds: 1 });
    server.setService('myapp', PODS.slice(0, 1));
    const run = discover(server, { respectDnsTtl: true, dnsRefreshRateMs: 600_000 });
    await waitFor(() => run.latest().length === 1, 'the first pod');
    server.setService('myapp', PODS);
    await waitFor(() => run.latest().length === 3, 'the pods added after one TTL');
    expect(count(run.stats, 'update_attempt')).toBeGreaterThanOrEqual(2);
  });

  it.each<[DnsLookupFamily, string[], string[]]>([
    ['V4_ONLY', ['127.0.0.2', '::1'], ['127.0.0.2:80']],
    ['V6_ONLY', ['127.0.0.2', '::1'], ['::1:80']],
    ['AUTO', ['127.0.0.2', '::1'], ['::1:80']],
    ['AUTO', ['127.0.0.2', '127.0.0.3'], ['127.0.0.2:80', '127.0.0.3:80']],
    ['V4_PREFERRED', ['127.0.0.2', '::1'], ['127.0.0.2:80']],
    ['V4_PREFERRED', ['::1'], ['::1:80']],
    ['ALL', ['127.0.0.2', '::1'], ['127.0.0.2:80', '::1:80']],
  ])('with %s and pods %j, finds %j', async (family, ips, expected) => {
    const server = await startServer();
    server.setService('myapp', ips);
    const run = discover(server, { dnsLookupFamily: family });
    await run.discovery.initialized;
    expect(run.latest()).toEqual(expected);
  });

  it('gets all 100 pods though the UDP answer is truncated (c-ares retries over TCP)', async () => {
    const server = await startServer();
    const ips = Array.from({ length: 100 }, (_, index) => `127.0.1.${index + 1}`);
    server.setService('myapp', ips);
    const run = discover(server);
    await run.discovery.initialized;
    expect(run.latest()).toEqual(ips.map((ip) => `${ip}:80`));
  });
});

describe('createDnsResolver against the embedded DNS server', () => {
  it('maps answers, NXDOMAIN, NODATA and failures the way Envoy does', async () => {
    const server = await startServer({ ttlSeconds: 7 });
    server.setService('myapp', ['127.0.0.2']);
    const resolve = createResolve(server, 500);
    expect(await resolve('myapp', 'V4_ONLY')).toEqual({
      status: 'ok',
      addresses: [{ ip: '127.0.0.2', ttlSeconds: 7 }],
    });
    expect(await resolve('nosuch', 'V4_ONLY')).toEqual({ status: 'ok', addresses: [] });
    expect(await resolve('myapp', 'V6_ONLY')).toEqual({ status: 'ok', addresses: [] });
    server.failNext(1, 'SERVFAIL');
    expect(await resolve('myapp', 'V4_ONLY')).toEqual({ status: 'failure', reason: 'A myapp: ESERVFAIL' });
    server.failNext(1, 'REFUSED');
    expect(await resolve('myapp', 'V4_ONLY')).toEqual({ status: 'failure', reason: 'A myapp: EREFUSED' });
    server.failNext(1, 'TIMEOUT');
    expect(await resolve('myapp', 'V4_ONLY')).toEqual({ status: 'failure', reason: 'A myapp: ETIMEOUT' });
  });
});
