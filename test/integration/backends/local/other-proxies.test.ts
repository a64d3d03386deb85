import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, get } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../../src/backends/local/dns-server.js';
import { findProgram } from '../../../../src/backends/local/find-program.js';
import { findFreePort } from '../../../../src/backends/local/free-port.js';
import { startLocalHaproxy } from '../../../../src/backends/local/local-haproxy.js';
import { LocalNginxBalancer } from '../../../../src/backends/local/local-nginx-balancer.js';
import { HaproxyStatsReader } from '../../../../src/collect/haproxy-stats-client.js';
import type { HaproxyPolicy, NginxPolicy } from '../../../../src/scenario/proxy-rows.js';

const HAPROXY = await findProgram('haproxy');
const NGINX = await findProgram('nginx');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Pods on 127.0.1.<n>: one port, each answering with its name in X-Upstream-Pod. */
async function startPods(count: number): Promise<{ port: number; addresses: string[] }> {
  const port = await findFreePort('127.0.1.41');
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    const ip = `127.0.1.${41 + i}`;
    const server: Server = createServer((_request, response) => {
      response.setHeader('x-upstream-pod', `pod-${i}`);
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(port, ip, resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        ),
    );
    addresses.push(`${ip}:${port}`);
  }
  return { port, addresses };
}

/** Sends `requests` GETs one after another, each on a new connection, and counts them by X-Upstream-Pod. */
async function tally(url: string, requests: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < requests; i++) {
    const { status, pod } = await new Promise<{ status: number | undefined; pod: string }>(
      (resolve, reject) => {
        get(url, { agent: false }, (response) => {
          response.resume();
          response.on('end', () => {
            resolve({ status: response.statusCode, pod: String(response.headers['x-upstream-pod']) });
          });
        }).on('error', reject);
      },
    );
    expect(status).toBe(200);
    counts[pod] = (counts[pod] ?? 0) + 1;
  }
  return counts;
}

async function makeDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lbbench-other-proxies-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const TIMEOUTS = { connectTimeoutMs: 250, responseTimeoutMs: 60_000, idleTimeoutMs: 60_000 };

describe.skipIf(HAPROXY === undefined)(
  'HAProxy row on loopback (needs haproxy: apt-get install haproxy)',
  () => {
    it.each<HaproxyPolicy>(['roundrobin', 'leastconn', 'random'])(
      '%s: fills its slots from the DNS answer and its stats match the client tally per pod',
      async (policy) => {
        const pods = await startPods(3);
        const dns = await startDnsServer({ host: '127.0.0.1', ttlSeconds: 1 });
        cleanups.push(() => dns.close());
        dns.setService(
          'myapp',
          pods.addresses.map((address) => address.split(':')[0] ?? ''),
        );
        const listen = { host: '127.0.0.1', port: await findFreePort('127.0.0.1') };
        const stats = { host: '127.0.0.1', port: await findFreePort('127.0.0.1') };
        const haproxy = await startLocalHaproxy(
          {
            row: `haproxy:${policy}`,
            program: HAPROXY ?? 'haproxy',
            basePath: join(await makeDir(), 'haproxy'),
            config: {
              policy,
              listen,
              stats,
              serviceName: 'myapp.default.svc.cluster.local',
              podPort: pods.port,
              hostHeader: 'myapp',
              resolvers: { kind: 'nameserver', host: dns.host, port: dns.port },
              slots: 6,
              dnsRefreshRateMs: 200,
              threads: 1,
              ...TIMEOUTS,
            },
          },
          AbortSignal.timeout(20_000),
        );
        cleanups.push(() => haproxy.stop());
        const reader = new HaproxyStatsReader({
          statsUrl: haproxy.statsUrl,
          backend: 'myapp',
          clusterName: 'c',
        });
        const now = (): number => Date.now();
        let hosts = (await reader.read({ now })).clusters[0]?.hosts ?? [];
        for (let i = 0; i < 100 && hosts.length < 3; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          hosts = (await reader.read({ now })).clusters[0]?.hosts ?? [];
        }
        expect(hosts.map((host) => host.address).sort()).toEqual([...pods.addresses].sort());

        const counts = await tally(haproxy.trafficUrl, 90);
        hosts = (await reader.read({ now })).clusters[0]?.hosts ?? [];
        const byPod = Object.fromEntries(
          hosts.map((host) => [`pod-${pods.addresses.indexOf(host.address)}`, host.counters.rq_total]),
        );
        expect(byPod).toEqual({ 'pod-0': 0, 'pod-1': 0, 'pod-2': 0, ...counts });
        expect(hosts.reduce((sum, host) => sum + host.counters.rq_success, 0)).toBe(90);
        if (policy === 'roundrobin') expect(Object.values(counts)).toEqual([30, 30, 30]);
      },
    );

    it('names the row and the package when the program is missing', async () => {
      await expect(
        startLocalHaproxy(
          {
            row: 'haproxy:roundrobin',
            program: '/nonexistent/haproxy',
            basePath: join(await makeDir(), 'haproxy'),
            config: {
              policy: 'roundrobin',
              listen: { host: '127.0.0.1', port: 1 },
              stats: { host: '127.0.0.1', port: 2 },
              serviceName: 'myapp',
              podPort: 80,
              hostHeader: 'myapp',
              resolvers: { kind: 'resolv-conf' },
              slots: 2,
              dnsRefreshRateMs: 1000,
              threads: 1,
              ...TIMEOUTS,
            },
          },
          AbortSignal.timeout(5_000),
        ),
      ).rejects.toThrow(/haproxy:roundrobin.*apt-get install haproxy/);
    });
  },
);

describe.skipIf(NGINX === undefined)('nginx row on loopback (needs nginx: apt-get install nginx)', () => {
  it.each<NginxPolicy>(['round_robin', 'least_conn', 'random_two'])(
    '%s: balances over the listed pods and reloads a regenerated upstream',
    async (policy) => {
      const pods = await startPods(3);
      const balancer = new LocalNginxBalancer(
        {
          row: `nginx:${policy}`,
          program: NGINX ?? 'nginx',
          basePath: join(await makeDir(), 'nginx'),
          config: {
            policy,
            listen: { host: '127.0.0.1', port: await findFreePort('127.0.0.1') },
            status: { host: '127.0.0.1', port: await findFreePort('127.0.0.1') },
            hostHeader: 'myapp',
            workers: 1,
            ...TIMEOUTS,
          },
        },
        () => Date.now(),
      );
      const running = await balancer.start(pods.addresses.slice(0, 2), AbortSignal.timeout(20_000));
      cleanups.push(() => balancer.stop());
      const before = await tally(running.trafficUrl, 40);
      expect(Object.keys(before).sort()).toEqual(['pod-0', 'pod-1']);
      if (policy === 'round_robin') expect(before).toEqual({ 'pod-0': 20, 'pod-1': 20 });

      await balancer.updateServers(pods.addresses.slice(1), Date.now(), AbortSignal.timeout(20_000));
      const after = await tally(running.trafficUrl, 40);
      expect(Object.keys(after).sort()).toEqual(['pod-1', 'pod-2']);
      expect(balancer.reloads).toHaveLength(1);
      expect(balancer.reloads[0]?.servers).toBe(2);
      expect(balancer.reloads[0]?.lagMs).toBeGreaterThanOrEqual(0);
    },
  );
});
