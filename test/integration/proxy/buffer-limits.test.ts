import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPod } from '../../support/pod-fleet.js';
import type { TestPod } from '../../support/pod-fleet.js';
import { renderTestConfig, startProxyUnderTest } from '../../support/proxy-under-test.js';
import type { ProxyUnderTest } from '../../support/proxy-under-test.js';

// Listener per_connection_buffer_limit_bytes: Envoy keeps a request body for a retry only up to this limit.
let pod: TestPod;
let proxy: ProxyUnderTest;

beforeAll(async () => {
  pod = await startTestPod('failing', '127.0.15.1', 0, { kind: 'ok', status: 503 });
  const text = renderTestConfig({
    policy: 'ROUND_ROBIN',
    service: pod.ip,
    port: pod.port,
    clusterType: 'STATIC',
    routeExtra: ', retry_policy: { retry_on: "5xx", num_retries: 1 }',
  });
  proxy = await startProxyUnderTest({
    configText: text.replace(
      '  - name: listener_0\n',
      '  - name: listener_0\n    per_connection_buffer_limit_bytes: 1024\n',
    ),
  });
});

afterAll(async () => {
  await proxy.stop();
  await pod.close();
});

async function countUpstreamRequests(bodyBytes: number): Promise<number> {
  const before = pod.requests;
  const response = await fetch(proxy.trafficUrl, { method: 'POST', body: 'x'.repeat(bodyBytes) });
  await response.arrayBuffer();
  expect(response.status).toBe(503);
  return pod.requests - before;
}

describe('per_connection_buffer_limit_bytes', () => {
  it('retries a request whose body fits the limit', async () => {
    expect(await countUpstreamRequests(512)).toBe(2);
  });

  it('does not retry a request whose body is larger than the limit', async () => {
    expect(await countUpstreamRequests(4096)).toBe(1);
  });
});
