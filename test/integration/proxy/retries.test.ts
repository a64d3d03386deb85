import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../src/backends/local/dns-server.js';
import type { DnsServer } from '../../../src/backends/local/dns-server.js';
import { startTestPod } from '../../support/pod-fleet.js';
import type { TestPod } from '../../support/pod-fleet.js';
import { readHosts, readStat } from '../../support/proxy-fixture.js';
import { renderTestConfig, startProxyUnderTest } from '../../support/proxy-under-test.js';
import type { ProxyUnderTest } from '../../support/proxy-under-test.js';

let dns: DnsServer;
let failing: TestPod;
let healthy: TestPod;
let proxy: ProxyUnderTest | undefined;
const KEYS = Array.from({ length: 40 }, (_, index) => `user-${index}`);
const HASH_ON_USER = ', hash_policy: [{ header: { header_name: x-user } }]';

beforeAll(async () => {
  dns = await startDnsServer({ host: '127.0.0.1', port: 0 });
  failing = await startTestPod('failing', '127.0.4.1', 0, { kind: 'ok', status: 503 });
  healthy = await startTestPod('healthy', '127.0.4.2', failing.port, { kind: 'ok' });
  dns.setService('flaky', [failing.ip, healthy.ip]);
});

afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

afterAll(async () => {
  await Promise.all([failing.close(), healthy.close()]);
  await dns.close();
});

async function start(policy: string, routeExtra: string): Promise<ProxyUnderTest> {
  proxy = await startProxyUnderTest({
    configText: renderTestConfig({ policy, service: 'flaky', port: failing.port, routeExtra }),
    dnsServer: `127.0.0.1:${dns.port}`,
  });
  return proxy;
}

/** Sends one request per key, one at a time, and counts the statuses. */
async function sendKeyed(url: string): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (const key of KEYS) {
    const response = await fetch(url, { headers: { 'x-user': key } });
    await response.arrayBuffer();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  }
  return statuses;
}

async function readTotals(adminUrl: string): Promise<{ failing: number; healthy: number }> {
  const hosts = await readHosts(adminUrl);
  const total = (pod: TestPod): number =>
    hosts.find((host) => host.address.startsWith(`${pod.ip}:`))?.counters.rq_total ?? 0;
  return { failing: total(failing), healthy: total(healthy) };
}

describe('retries on a hashing balancer', () => {
  it('RING_HASH retries on the request’s own host without a predicate: the failing pod takes every attempt', async () => {
    const { trafficUrl, adminUrl } = await start(
      'RING_HASH',
      `${HASH_ON_USER}, retry_policy: { retry_on: 5xx, num_retries: 2 }`,
    );
    const statuses = await sendKeyed(`${trafficUrl}/`);
    const failed = statuses.get(503) ?? 0;
    expect(failed).toBeGreaterThan(0);
    expect(statuses.get(200) ?? 0).toBe(KEYS.length - failed);
    // Each failing key made its first try and both retries on the failing pod, none on the healthy one.
    expect(await readTotals(adminUrl)).toEqual({ failing: 3 * failed, healthy: KEYS.length - failed });
    expect(await readStat(adminUrl, 'cluster.myapp_cluster.upstream_rq_retry')).toBe(2 * failed);
    expect(await readStat(adminUrl, 'cluster.myapp_cluster.upstream_rq_retry_limit_exceeded')).toBe(failed);
    expect(await readStat(adminUrl, 'cluster.myapp_cluster.upstream_rq_retry_success')).toBe(0);
  });

  it('RING_HASH with previous_hosts moves a retry off the failing host along the ring', async () => {
    const predicate =
      'retry_host_predicate: [{ name: envoy.retry_host_predicates.previous_hosts, typed_config: ' +
      '{ "@type": type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate } }]';
    const { trafficUrl, adminUrl } = await start(
      'RING_HASH',
      `${HASH_ON_USER}, retry_policy: { retry_on: 5xx, num_retries: 2, ${predicate}, host_selection_retry_max_attempts: 64 }`,
    );
    const statuses = await sendKeyed(`${trafficUrl}/`);
    expect(statuses).toEqual(new Map([[200, KEYS.length]]));
    const totals = await readTotals(adminUrl);
    // Every key reached the healthy pod; the keys of the failing pod tried it once and were retried once.
    expect(totals.healthy).toBe(KEYS.length);
    expect(totals.failing).toBeGreaterThan(0);
    expect(await readStat(adminUrl, 'cluster.myapp_cluster.upstream_rq_retry')).toBe(totals.failing);
    expect(await readStat(adminUrl, 'cluster.myapp_cluster.upstream_rq_retry_success')).toBe(totals.failing);
  });
});

describe('retries on round robin', () => {
  it('ROUND_ROBIN with previous_hosts never retries on the pod that failed', async () => {
    const { trafficUrl, adminUrl } = await start(
      'ROUND_ROBIN',
      ', retry_policy: { retry_on: gateway-error, num_retries: 1, retry_host_predicate: [{ name: envoy.retry_host_predicates.previous_hosts }], retry_back_off: { base_interval: 0.001s } }',
    );
    const statuses = await sendKeyed(`${trafficUrl}/`);
    expect(statuses).toEqual(new Map([[200, KEYS.length]]));
    const totals = await readTotals(adminUrl);
    expect(totals.healthy).toBe(KEYS.length);
    expect(await readStat(adminUrl, 'cluster.myapp_cluster.upstream_rq_retry')).toBe(totals.failing);
    expect(await readStat(adminUrl, 'cluster.myapp_cluster.upstream_rq_retry_backoff_exponential')).toBe(
      totals.failing,
    );
  });
});
