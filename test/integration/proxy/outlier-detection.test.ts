import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../src/backends/local/dns-server.js';
import type { DnsServer } from '../../../src/backends/local/dns-server.js';
import { parseClustersText } from '../../../src/collect/parse-clusters.js';
import { startPodFleet } from '../../support/pod-fleet.js';
import type { TestPod } from '../../support/pod-fleet.js';
import {
  readHosts,
  readStat,
  renderTemplateForTest,
  sendRequests,
  waitForHosts,
} from '../../support/proxy-fixture.js';
import { startProxyUnderTest } from '../../support/proxy-under-test.js';

let dns: DnsServer;
let pods: TestPod[];

beforeAll(async () => {
  dns = await startDnsServer({ host: '127.0.0.1', port: 0 });
  pods = await startPodFleet(4, 7);
  dns.setService(
    'myapp',
    pods.map((pod) => pod.ip),
  );
});

afterAll(async () => {
  await Promise.all(pods.map((pod) => pod.close()));
  await dns.close();
});

/** The v3 template with `field` (outlier_detection, health_checks) set on its cluster. */
async function renderWithClusterField(field: string, value: unknown): Promise<string> {
  const document = parseDocument(
    await renderTemplateForTest({ template: 'envoy-v3.yaml.tmpl', podPort: pods[0]!.port }),
  );
  document.setIn(['static_resources', 'clusters', 0, field], value);
  return document.toString();
}

describe('outlier_detection', () => {
  it('ejects the pod that answers 503 for the whole cluster, shows /failed_outlier_check and its stats', async () => {
    const failing = pods[1]!;
    failing.behaviour = { kind: 'ok', status: 503 };
    const proxy = await startProxyUnderTest({
      configText: await renderWithClusterField('outlier_detection', {
        consecutive_5xx: 3,
        max_ejection_percent: 50,
        interval: '60s',
        base_ejection_time: '60s',
      }),
      env: { ENVOY_LB_ALG: 'ROUND_ROBIN' },
      dnsServer: `127.0.0.1:${dns.port}`,
      concurrency: 2,
      seed: 7,
    });
    try {
      await waitForHosts(
        proxy.adminUrl,
        pods.map((pod) => `${pod.ip}:${pod.port}`),
      );
      const failingAddress = `${failing.ip}:${failing.port}`;
      // Round robin over 4 pods: the failing pod gets its third 503 within the first dozen requests or so.
      await sendRequests(`${proxy.trafficUrl}/`, 40, 4);
      const hosts = await readHosts(proxy.adminUrl);
      expect(hosts.find((host) => host.address === failingAddress)?.healthFlags).toEqual([
        'failed_outlier_check',
      ]);
      expect(hosts.filter((host) => host.healthFlags.length > 0)).toHaveLength(1);
      // After the ejection no worker sends it anything: every further request succeeds.
      const before = failing.requests;
      const { statuses } = await sendRequests(`${proxy.trafficUrl}/`, 60, 4);
      expect(statuses.get(200)).toBe(60);
      expect(failing.requests).toBe(before);
      const text = await (await fetch(`${proxy.adminUrl}/clusters`)).text();
      expect(text).toContain(`myapp_cluster::${failingAddress}::health_flags::/failed_outlier_check`);
      expect(text).toContain('myapp_cluster::outlier::success_rate_average::-1');
      expect(
        parseClustersText(text)[0]?.hosts.find((host) => host.address === failingAddress)?.healthFlags,
      ).toEqual(['failed_outlier_check']);
      expect(await readStat(proxy.adminUrl, 'cluster.myapp_cluster.outlier_detection.ejections_active')).toBe(
        1,
      );
      expect(
        await readStat(
          proxy.adminUrl,
          'cluster.myapp_cluster.outlier_detection.ejections_enforced_consecutive_5xx',
        ),
      ).toBe(1);
      expect(await readStat(proxy.adminUrl, 'cluster.myapp_cluster.membership_healthy')).toBe(3);
    } finally {
      failing.behaviour = { kind: 'ok' };
      await proxy.stop();
    }
  });
});

describe('health_checks', () => {
  it('fails the pod whose health check answers 503 at once and balances over the others', async () => {
    const failing = pods[2]!;
    failing.behaviour = { kind: 'ok', status: 503 };
    const proxy = await startProxyUnderTest({
      configText: await renderWithClusterField('health_checks', [
        {
          timeout: '1s',
          interval: '100ms',
          no_traffic_interval: '100ms',
          unhealthy_threshold: 2,
          healthy_threshold: 2,
          http_health_check: { path: '/healthz' },
        },
      ]),
      env: { ENVOY_LB_ALG: 'LEAST_REQUEST' },
      dnsServer: `127.0.0.1:${dns.port}`,
      concurrency: 2,
      seed: 11,
    });
    try {
      await waitForHosts(
        proxy.adminUrl,
        pods.map((pod) => `${pod.ip}:${pod.port}`),
      );
      const failingAddress = `${failing.ip}:${failing.port}`;
      // Start-up waited for every host's first check: the 503 pod is failed, the others passed theirs.
      const hosts = await readHosts(proxy.adminUrl);
      expect(hosts.map((host) => [host.address, host.healthFlags])).toEqual(
        pods.map((pod) => [`${pod.ip}:${pod.port}`, pod === failing ? ['failed_active_hc'] : []]),
      );
      const { statuses, pods: served } = await sendRequests(`${proxy.trafficUrl}/`, 60, 4);
      expect(statuses.get(200)).toBe(60);
      expect(served.get(failing.name)).toBeUndefined();
      // Once it answers 200 again, healthy_threshold (2) passes in a row bring it back (no_traffic_interval is
      // short here: Envoy schedules the check after a failure before traffic with it, 60 s by default).
      failing.behaviour = { kind: 'ok' };
      await expect
        .poll(
          async () =>
            (await readHosts(proxy.adminUrl)).find((host) => host.address === failingAddress)?.healthFlags,
          {
            timeout: 5000,
          },
        )
        .toEqual([]);
    } finally {
      failing.behaviour = { kind: 'ok' };
      await proxy.stop();
    }
  });
});
