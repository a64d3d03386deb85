import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../src/backends/local/dns-server.js';
import type { DnsServer } from '../../../src/backends/local/dns-server.js';
import { startTestPod } from '../../support/pod-fleet.js';
import type { PodBehaviour, TestPod } from '../../support/pod-fleet.js';
import { readHosts, readStat, sendRequests } from '../../support/proxy-fixture.js';
import { renderTestConfig, startProxyUnderTest } from '../../support/proxy-under-test.js';
import type { ProxyUnderTest } from '../../support/proxy-under-test.js';
import { startUnacceptingListener } from '../../support/unaccepting-listener.js';

let dns: DnsServer;
let port = 0;
const pods = new Map<string, TestPod>();
let proxy: ProxyUnderTest | undefined;

/** One service name per behaviour, each backed by its own pod on 127.0.3.x (all on one port). */
const SERVICES: Readonly<Record<string, PodBehaviour>> = {
  healthy: { kind: 'ok' },
  failing: { kind: 'ok', status: 503 },
  hanging: { kind: 'hang' },
  resetting: { kind: 'reset' },
};

beforeAll(async () => {
  dns = await startDnsServer({ host: '127.0.0.1', port: 0 });
  let octet = 1;
  for (const [service, behaviour] of Object.entries(SERVICES)) {
    const pod = await startTestPod(service, `127.0.3.${octet++}`, port, behaviour);
    port = pod.port;
    pods.set(service, pod);
    dns.setService(service, [pod.ip]);
  }
  // Nothing listens on 127.0.3.99: connecting there is refused.
  dns.setService('refusing', ['127.0.3.99']);
  dns.setService('flaky', [pods.get('failing')!.ip, pods.get('healthy')!.ip]);
  dns.setService('breaking', [pods.get('resetting')!.ip, pods.get('healthy')!.ip]);
});

afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

afterAll(async () => {
  await Promise.all([...pods.values()].map((pod) => pod.close()));
  await dns.close();
});

async function start(
  service: string,
  extra: { routeTimeout?: string; routeExtra?: string; clusterExtra?: string } = {},
): Promise<ProxyUnderTest> {
  proxy = await startProxyUnderTest({
    configText: renderTestConfig({ policy: 'ROUND_ROBIN', service, port, ...extra }),
    dnsServer: `127.0.0.1:${dns.port}`,
  });
  return proxy;
}

describe("Envoy's local replies", () => {
  it('answers a refused connection with 503 and the ≥1.31 reset body, counting cx_connect_fail and rq_error', async () => {
    const { trafficUrl, adminUrl } = await start('refusing');
    const response = await fetch(`${trafficUrl}/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe(
      'upstream connect error or disconnect/reset before headers. reset reason: remote connection failure, ' +
        'transport failure reason: delayed connect error: Connection refused',
    );
    expect(response.headers.get('x-envoy-upstream-service-time')).toBeNull();
    const [host] = await readHosts(adminUrl);
    expect(host?.counters).toMatchObject({ cx_connect_fail: 1, rq_error: 1, rq_total: 0, rq_success: 0 });
  });

  it('answers a connect that never completes with 503 connection timeout after connect_timeout (0.25 s)', async () => {
    const listener = await startUnacceptingListener('127.0.3.50', port);
    try {
      dns.setService('unaccepting', ['127.0.3.50']);
      const { trafficUrl, adminUrl } = await start('unaccepting'); // connect_timeout: 0.25s
      const startedAt = performance.now();
      const response = await fetch(`${trafficUrl}/`);
      const elapsedMs = performance.now() - startedAt;
      expect(response.status).toBe(503);
      expect(await response.text()).toBe(
        'upstream connect error or disconnect/reset before headers. reset reason: connection timeout',
      );
      // The reply came from the timer, not from a refusal: the SYN was dropped, not answered.
      expect(elapsedMs).toBeGreaterThanOrEqual(240);
      const [host] = await readHosts(adminUrl);
      expect(host?.counters).toMatchObject({ cx_connect_fail: 1, rq_error: 1, rq_total: 0, cx_active: 0 });
      expect(await readStat(adminUrl, 'cluster.myapp_cluster.upstream_cx_connect_timeout')).toBe(1);
    } finally {
      await listener.close();
    }
  });

  it('answers a route timeout with 504 upstream request timeout and counts rq_timeout', async () => {
    const { trafficUrl, adminUrl } = await start('hanging', { routeTimeout: '0.3s' });
    const response = await fetch(`${trafficUrl}/`);
    expect(response.status).toBe(504);
    expect(await response.text()).toBe('upstream request timeout');
    const [host] = await readHosts(adminUrl);
    expect(host?.counters).toMatchObject({ rq_timeout: 1, rq_error: 1, rq_total: 1, rq_active: 0 });
  });

  it('answers circuit-breaker overflow with 503, the overflow reason and x-envoy-overloaded', async () => {
    const { trafficUrl } = await start('hanging', {
      // Long enough that the first request still holds the only slot on a loaded machine.
      routeTimeout: '3s',
      clusterExtra: '\n    circuit_breakers: { thresholds: [{ max_requests: 1, max_pending_requests: 1 }] }',
    });
    const hanging = pods.get('hanging')!;
    const before = hanging.requests;
    const first = fetch(`${trafficUrl}/`);
    // The first request holds the only slot once the pod has it: no head start to guess.
    await expect.poll(() => hanging.requests, { timeout: 2500, interval: 10 }).toBe(before + 1);
    const second = await fetch(`${trafficUrl}/`);
    expect(second.status).toBe(503);
    expect(second.headers.get('x-envoy-overloaded')).toBe('true');
    expect(await second.text()).toBe(
      'upstream connect error or disconnect/reset before headers. reset reason: overflow',
    );
    expect((await first).status).toBe(504);
  });

  it('answers an upstream reset before headers with 503 connection termination', async () => {
    const { trafficUrl } = await start('resetting');
    const response = await fetch(`${trafficUrl}/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe(
      'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
    );
  });
});

describe('retry_policy', () => {
  it('retries 5xx on another pick (round robin moves on) and counts the failed attempt as rq_error', async () => {
    const { trafficUrl, adminUrl } = await start('flaky', {
      routeExtra: ', retry_policy: { retry_on: "5xx", num_retries: 2 }',
    });
    const { statuses } = await sendRequests(`${trafficUrl}/`, 20, 1);
    expect(statuses).toEqual(new Map([[200, 20]]));
    const hosts = await readHosts(adminUrl);
    const failing = hosts.find((host) => host.address.startsWith(pods.get('failing')!.ip));
    const healthy = hosts.find((host) => host.address.startsWith(pods.get('healthy')!.ip));
    expect(healthy?.counters.rq_success).toBe(20);
    expect(failing?.counters.rq_error).toBe(failing?.counters.rq_total);
    expect((failing?.counters.rq_total ?? 0) + (healthy?.counters.rq_total ?? 0)).toBe(
      20 + (failing?.counters.rq_total ?? 0),
    );
  });

  it('retries a reset with retry_on reset and says "retried" when every attempt failed', async () => {
    const { trafficUrl } = await start('breaking', {
      routeExtra: ', retry_policy: { retry_on: "reset", num_retries: 1 }',
    });
    const { statuses } = await sendRequests(`${trafficUrl}/`, 10, 1);
    expect(statuses).toEqual(new Map([[200, 10]]));
    await proxy?.stop();
    const alone = await start('resetting', {
      routeExtra: ', retry_policy: { retry_on: "reset", num_retries: 1 }',
    });
    const response = await fetch(`${alone.trafficUrl}/`);
    expect(await response.text()).toBe(
      'upstream connect error or disconnect/reset before headers. retried and the latest reset reason: connection termination',
    );
  });
});
