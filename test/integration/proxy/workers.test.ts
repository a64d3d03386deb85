import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../src/backends/local/dns-server.js';
import type { DnsServer } from '../../../src/backends/local/dns-server.js';
import { startPodFleet } from '../../support/pod-fleet.js';
import type { TestPod } from '../../support/pod-fleet.js';
import { readHosts, renderTemplateForTest, sendRequests, waitForHosts } from '../../support/proxy-fixture.js';
import { startProxyUnderTest } from '../../support/proxy-under-test.js';

let dns: DnsServer;
let pods: TestPod[];

beforeAll(async () => {
  dns = await startDnsServer({ host: '127.0.0.1', port: 0 });
  pods = await startPodFleet(3, 5);
  dns.setService(
    'myapp',
    pods.map((pod) => pod.ip),
  );
});

afterAll(async () => {
  await Promise.all(pods.map((pod) => pod.close()));
  await dns.close();
});

describe('--concurrency', () => {
  it.each([1, 4])(
    'with %i worker(s), ROUND_ROBIN totals differ by at most the worker count and /clusters sums all workers',
    async (workers) => {
      const proxy = await startProxyUnderTest({
        configText: await renderTemplateForTest({ template: 'envoy.yaml.tmpl', podPort: pods[0]!.port }),
        env: { ENVOY_LB_ALG: 'ROUND_ROBIN' },
        dnsServer: `127.0.0.1:${dns.port}`,
        concurrency: workers,
        seed: 42,
      });
      try {
        await waitForHosts(
          proxy.adminUrl,
          pods.map((pod) => `${pod.ip}:${pod.port}`),
        );
        const info = (await (await fetch(`${proxy.adminUrl}/server_info`)).json()) as {
          command_line_options: { concurrency: number };
        };
        expect(info.command_line_options.concurrency).toBe(workers);
        // Many client connections, so the kernel hands connections to several workers.
        const { statuses } = await sendRequests(`${proxy.trafficUrl}/`, 601, 16);
        expect(statuses.get(200)).toBe(601);
        const counts = (await readHosts(proxy.adminUrl)).map((host) => host.counters.rq_total);
        expect(counts.reduce((sum, count) => sum + count, 0)).toBe(601);
        // Each worker cycles its own index from its own random offset: every host gets floor or ceil of that
        // worker's k/3, so over W workers two hosts differ by at most W (Envoy FAQ, per-worker balancers).
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(workers);
      } finally {
        await proxy.stop();
      }
    },
  );
});
