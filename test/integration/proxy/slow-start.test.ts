import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../src/backends/local/dns-server.js';
import type { DnsServer } from '../../../src/backends/local/dns-server.js';
import { startTestPod } from '../../support/pod-fleet.js';
import type { TestPod } from '../../support/pod-fleet.js';
import { readHosts, sendRequests, waitForHosts } from '../../support/proxy-fixture.js';
import { renderTestConfig, startProxyUnderTest } from '../../support/proxy-under-test.js';

let dns: DnsServer;
const pods: TestPod[] = [];

beforeAll(async () => {
  dns = await startDnsServer({ host: '127.0.0.1', port: 0 });
  for (const octet of [1, 2, 3]) {
    pods.push(await startTestPod(`pod-${octet}`, `127.0.5.${octet}`, pods[0]?.port ?? 0, { kind: 'ok' }));
  }
});

afterAll(async () => {
  await Promise.all(pods.map((pod) => pod.close()));
  await dns.close();
});

/** Two pods, then a third; returns the third pod's share of `count` requests sent right after it joined. */
async function measureNewPodShare(clusterExtra: string, count: number): Promise<number> {
  const [first, second, third] = pods;
  if (first === undefined || second === undefined || third === undefined) throw new Error('pods missing');
  dns.setService('ramp', [first.ip, second.ip]);
  const proxy = await startProxyUnderTest({
    configText: renderTestConfig({
      policy: 'ROUND_ROBIN',
      service: 'ramp',
      port: first.port,
      dnsRefreshRate: '0.1s',
      clusterExtra,
    }),
    dnsServer: `127.0.0.1:${dns.port}`,
  });
  try {
    const address = (pod: TestPod): string => `${pod.ip}:${pod.port}`;
    await waitForHosts(proxy.adminUrl, [address(first), address(second)]);
    // The first pods must leave their own window first: Envoy starts every host present at start-up in slow start.
    await new Promise((resolve) => setTimeout(resolve, 4200));
    dns.setService('ramp', [first.ip, second.ip, third.ip]);
    await waitForHosts(proxy.adminUrl, [address(first), address(second), address(third)]);
    await sendRequests(`${proxy.trafficUrl}/`, count, 4);
    const hosts = await readHosts(proxy.adminUrl);
    const total = hosts.reduce((sum, host) => sum + host.counters.rq_total, 0);
    const fresh = hosts.find((host) => host.address === address(third))?.counters.rq_total ?? 0;
    return fresh / total;
  } finally {
    await proxy.stop();
  }
}

describe('slow_start_config on the live proxy', () => {
  it('gives a pod that just joined a ramping share, well under its full third', async () => {
    const slowStart =
      '\n    round_robin_lb_config: { slow_start_config: { slow_start_window: 4s, min_weight_percent: { value: 10 } } }';
    const withSlowStart = await measureNewPodShare(slowStart, 300);
    const without = await measureNewPodShare('', 300);
    // While it ramps from 0.1 against two pods of weight 1 the new pod gets well under a third; without slow start it
    // takes a third.
    expect(without).toBeGreaterThan(0.3);
    expect(withSlowStart).toBeLessThan(without - 0.08);
  });
});
