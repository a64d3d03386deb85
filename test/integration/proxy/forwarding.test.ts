import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../src/backends/local/dns-server.js';
import type { DnsServer } from '../../../src/backends/local/dns-server.js';
import { startPodFleet, startTestPod } from '../../support/pod-fleet.js';
import type { TestPod } from '../../support/pod-fleet.js';
import {
  readHosts,
  readStat,
  renderTemplateForTest,
  sendRequests,
  waitForHosts,
} from '../../support/proxy-fixture.js';
import { getStatusLines, sendRaw } from '../../support/raw-http.js';
import { renderTestConfig, startProxyUnderTest } from '../../support/proxy-under-test.js';
import type { ProxyUnderTest } from '../../support/proxy-under-test.js';

const POLICIES = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV'] as const;
const REQUESTS = 90;

let dns: DnsServer;
let pods: TestPod[];
let proxy: ProxyUnderTest | undefined;

beforeAll(async () => {
  dns = await startDnsServer({ host: '127.0.0.1', port: 0 });
  pods = await startPodFleet(3);
  dns.setService(
    'myapp',
    pods.map((pod) => pod.ip),
  );
});

afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

afterAll(async () => {
  await Promise.all(pods.map((pod) => pod.close()));
  await dns.close();
});

const addressOf = (pod: TestPod): string => `${pod.ip}:${pod.port}`;

describe.each(['envoy.yaml.tmpl', 'envoy-v3.yaml.tmpl'] as const)('the bundled template %s', (template) => {
  it.each(POLICIES)(
    'with %s serves every request and /clusters adds up to exactly what was sent',
    async (policy) => {
      proxy = await startProxyUnderTest({
        configText: await renderTemplateForTest({ template, podPort: pods[0]!.port }),
        env: { ENVOY_LB_ALG: policy },
        dnsServer: `127.0.0.1:${dns.port}`,
      });
      await waitForHosts(proxy.adminUrl, pods.map(addressOf));
      const { statuses, pods: tally } = await sendRequests(`${proxy.trafficUrl}/`, REQUESTS);
      expect(statuses).toEqual(new Map([[200, REQUESTS]]));

      const hosts = await readHosts(proxy.adminUrl);
      expect(hosts.reduce((sum, host) => sum + host.counters.rq_total, 0)).toBe(REQUESTS);
      expect(hosts.reduce((sum, host) => sum + host.counters.rq_success, 0)).toBe(REQUESTS);
      for (const pod of pods) {
        const host = hosts.find((candidate) => candidate.address === addressOf(pod));
        expect(host?.counters.rq_total ?? 0).toBe(tally.get(pod.name) ?? 0);
        expect(host?.hostname).toBe('myapp');
      }
      if (policy === 'ROUND_ROBIN') expect([...tally.values()]).toEqual([30, 30, 30]);
    },
  );
});

describe('STRICT_DNS membership', () => {
  it('shows added and removed pods within one refresh interval, and a removed pod fails no in-flight request', async () => {
    const refreshMs = 300;
    const podPort = pods[0]!.port;
    // A fourth pod of the same Deployment: same port, its own address, slow enough to have requests in flight.
    const fourth = await startTestPod('pod-3', '127.0.1.4', podPort, { kind: 'ok', delayMs: 40 });
    try {
      proxy = await startProxyUnderTest({
        configText: await renderTemplateForTest({
          template: 'envoy.yaml.tmpl',
          podPort,
          dnsRefreshRateMs: refreshMs,
        }),
        env: { ENVOY_LB_ALG: 'ROUND_ROBIN' },
        dnsServer: `127.0.0.1:${dns.port}`,
      });
      await waitForHosts(proxy.adminUrl, pods.map(addressOf));

      // "Within one refresh interval", counted in refreshes rather than seconds: the change must be visible by
      // the end of the first resolution that started after it (the one in flight may have read the old answer).
      const attempts = (): Promise<number> =>
        readStat(proxy!.adminUrl, 'cluster.myapp_cluster.update_attempt');
      let before = await attempts();
      dns.setService('myapp', [...pods.map((pod) => pod.ip), fourth.ip]);
      await waitForHosts(proxy.adminUrl, [...pods.map(addressOf), addressOf(fourth)]);
      expect((await attempts()) - before).toBeLessThanOrEqual(2);

      // Requests to the slow fourth pod are in flight when DNS drops it: they must still complete.
      const load = sendRequests(`${proxy.trafficUrl}/`, 200, 16);
      await new Promise((resolve) => setTimeout(resolve, 150));
      before = await attempts();
      dns.setService(
        'myapp',
        pods.map((pod) => pod.ip),
      );
      await waitForHosts(proxy.adminUrl, pods.map(addressOf));
      expect((await attempts()) - before).toBeLessThanOrEqual(2);
      const { statuses, pods: tally } = await load;
      expect(statuses).toEqual(new Map([[200, 200]]));
      expect(tally.get('pod-3') ?? 0).toBeGreaterThan(0);
    } finally {
      dns.setService(
        'myapp',
        pods.map((pod) => pod.ip),
      );
      await fourth.close();
    }
  });

  it('with close_connections_on_host_set_change, closes idle connections at a change and busy ones after their response', async () => {
    const podPort = pods[0]!.port;
    const fast = pods[0]!;
    const slow = await startTestPod('slow-pod', '127.0.1.6', podPort, { kind: 'ok', delayMs: 3000 });
    dns.setService('closeset', [fast.ip]);
    try {
      proxy = await startProxyUnderTest({
        configText: renderTestConfig({
          policy: 'ROUND_ROBIN',
          service: 'closeset',
          port: podPort,
          dnsRefreshRate: '0.1s',
          clusterExtra: '\n    common_lb_config: { close_connections_on_host_set_change: true }',
        }),
        dnsServer: `127.0.0.1:${dns.port}`,
      });
      const { adminUrl, trafficUrl } = proxy;
      const hostOf = async (pod: TestPod) =>
        (await readHosts(adminUrl)).find((host) => host.address === addressOf(pod));
      const waitForActive = async (pod: TestPod, cxActive: number): Promise<void> => {
        for (let tries = 0; (await hostOf(pod))?.counters.cx_active !== cxActive; tries++) {
          if (tries > 100) throw new Error(`${pod.name}: cx_active never reached ${cxActive}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await waitForHosts(adminUrl, [addressOf(fast)]);
      expect((await fetch(`${trafficUrl}/`)).status).toBe(200);
      await waitForActive(fast, 1); // idle in the pool

      // A pod joins: the fast pod's idle connection closes at once.
      dns.setService('closeset', [fast.ip, slow.ip]);
      await waitForHosts(adminUrl, [addressOf(fast), addressOf(slow)]);
      await waitForActive(fast, 0);

      // One request each (round robin); the slow pod's is in flight when a third pod joins.
      const responses = Promise.all([fetch(`${trafficUrl}/`), fetch(`${trafficUrl}/`)]);
      await waitForActive(slow, 1);
      dns.setService('closeset', [fast.ip, slow.ip, pods[1]!.ip]);
      await waitForHosts(adminUrl, [fast, slow, pods[1]!].map(addressOf));
      expect((await hostOf(slow))?.counters).toMatchObject({ cx_active: 1, rq_active: 1 });
      expect((await responses).map((response) => response.status)).toEqual([200, 200]);
      await waitForActive(slow, 0); // closed after its response instead of going back to the pool
      expect((await hostOf(slow))?.counters).toMatchObject({ cx_total: 1, rq_success: 1 });
    } finally {
      await slow.close();
    }
  });

  it('empties the host set on NXDOMAIN and answers 503 no healthy upstream like Envoy', async () => {
    proxy = await startProxyUnderTest({
      configText: (
        await renderTemplateForTest({ template: 'envoy.yaml.tmpl', podPort: pods[0]!.port })
      ).replace('address: myapp', 'address: nosuchservice'),
      env: { ENVOY_LB_ALG: 'ROUND_ROBIN' },
      dnsServer: `127.0.0.1:${dns.port}`,
    });
    const response = await fetch(`${proxy.trafficUrl}/`);
    expect(response.status).toBe(503);
    expect(response.headers.get('server')).toBe('envoy');
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('no healthy upstream');
    expect(await readHosts(proxy.adminUrl)).toEqual([]);
  });
});

describe('LOGICAL_DNS', () => {
  it('keeps its one host and its counters across an address change; existing connections stay, new ones go to the new address', async () => {
    const podPort = pods[0]!.port;
    // Slow enough that two concurrent requests overlap and need two upstream connections.
    const before = await startTestPod('before', '127.0.1.7', podPort, { kind: 'ok', delayMs: 200 });
    const after = await startTestPod('after', '127.0.1.8', podPort, { kind: 'ok', delayMs: 200 });
    dns.setService('logical', [before.ip]);
    try {
      proxy = await startProxyUnderTest({
        configText: renderTestConfig({
          policy: 'ROUND_ROBIN',
          service: 'logical',
          port: podPort,
          clusterType: 'LOGICAL_DNS',
          dnsRefreshRate: '0.1s',
        }),
        dnsServer: `127.0.0.1:${dns.port}`,
      });
      const { adminUrl, trafficUrl } = proxy;
      await waitForHosts(adminUrl, [addressOf(before)]);
      expect((await sendRequests(`${trafficUrl}/`, 3, 1)).pods).toEqual(new Map([['before', 3]]));

      dns.setService('logical', [after.ip]);
      await waitForHosts(adminUrl, [addressOf(after)]);
      const [moved] = await readHosts(adminUrl);
      expect(moved?.counters).toMatchObject({ rq_total: 3, cx_total: 1 });
      expect(await readStat(adminUrl, 'cluster.myapp_cluster.membership_change')).toBe(1);

      // The pooled connection still leads to the old address; a second, concurrent request needs a new
      // connection, which goes to the new one.
      expect((await sendRequests(`${trafficUrl}/`, 1, 1)).pods).toEqual(new Map([['before', 1]]));
      const { pods: tally } = await sendRequests(`${trafficUrl}/`, 2, 2);
      expect(tally).toEqual(
        new Map([
          ['before', 1],
          ['after', 1],
        ]),
      );
      const [host] = await readHosts(adminUrl);
      expect(host).toMatchObject({ address: addressOf(after) });
      expect(host?.counters).toMatchObject({ rq_total: 6, rq_success: 6, cx_total: 2 });
    } finally {
      await Promise.all([before.close(), after.close()]);
    }
  });
});

describe('hash_policy', () => {
  const HASH_POLICY =
    ', hash_policy: [{ header: { header_name: x-a } }, { header: { header_name: x-b }, terminal: true }, ' +
    '{ header: { header_name: x-c } }]';
  const PAIRS = [
    ['alice', 'bob'],
    ['carol', 'dave'],
    ['erin', 'frank'],
    ['gina', 'hank'],
    ['ines', 'jack'],
    ['kim', 'lou'],
    ['mia', 'ned'],
    ['olga', 'pete'],
  ] as const;

  // Its own proxy, kept for both tests (the file's afterEach stops `proxy`).
  let hashing: ProxyUnderTest;

  /** The pod that serves a request with these header lines. */
  async function getPodFor(headerLines: string): Promise<string> {
    const raw = await sendRaw(hashing.trafficPort, [
      `GET / HTTP/1.1\r\nHost: a\r\n${headerLines}Connection: close\r\n\r\n`,
    ]);
    expect(getStatusLines(raw)).toEqual(['HTTP/1.1 200 OK']);
    return /x-upstream-pod: (\S+)/.exec(raw)?.[1] ?? 'none';
  }

  beforeAll(async () => {
    hashing = await startProxyUnderTest({
      configText: renderTestConfig({
        policy: 'RING_HASH',
        service: 'myapp',
        port: pods[0]!.port,
        routeExtra: HASH_POLICY,
      }),
      dnsServer: `127.0.0.1:${dns.port}`,
    });
    await waitForHosts(hashing.adminUrl, pods.map(addressOf));
  });

  afterAll(async () => {
    await hashing.stop();
  });

  it('hashes every value of a repeated header, in any order, as Envoy does', async () => {
    for (const [first, second] of PAIRS) {
      expect(await getPodFor(`x-a: ${second}\r\nx-a: ${first}\r\n`)).toBe(
        await getPodFor(`x-a: ${first}\r\nx-a: ${second}\r\n`),
      );
    }
  });

  it('stops at a terminal policy once an earlier one produced a hash, even without its own header', async () => {
    for (const [value, ignored] of PAIRS) {
      expect(await getPodFor(`x-a: ${value}\r\nx-c: ${ignored}\r\n`)).toBe(
        await getPodFor(`x-a: ${value}\r\n`),
      );
    }
  });
});
