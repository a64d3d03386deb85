import { readFile } from 'node:fs/promises';
import { vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { expandTemplateVariables, patchProxyConfig } from '../../src/backends/local/proxy-config.js';
import { parseClustersJson } from '../../src/collect/parse-clusters.js';
import type { HostStatus } from '../../src/collect/types.js';

/** Reads a bundled template (`envoy.yaml.tmpl` or `envoy-v3.yaml.tmpl`) from `proxy/`. */
export async function readProxyTemplate(name: 'envoy.yaml.tmpl' | 'envoy-v3.yaml.tmpl'): Promise<string> {
  return readFile(fileURLToPath(new URL(`../../proxy/${name}`, import.meta.url)), 'utf8');
}

/**
 * The bundled template made runnable on loopback, as the local backend does: `${SERVICE_NAME}` filled in,
 * listener and admin on 127.0.0.1:0, the cluster on the pods' port. `${ENVOY_LB_ALG}` is left for the proxy
 * to expand from its environment.
 */
export async function renderTemplateForTest(options: {
  readonly template: 'envoy.yaml.tmpl' | 'envoy-v3.yaml.tmpl';
  readonly podPort: number;
  readonly dnsRefreshRateMs?: number;
}): Promise<string> {
  const text = expandTemplateVariables(await readProxyTemplate(options.template), { SERVICE_NAME: 'myapp' });
  return patchProxyConfig(
    text,
    {
      serviceName: 'myapp',
      podPort: options.podPort,
      dnsRefreshRateMs: options.dnsRefreshRateMs ?? 5000,
      respectDnsTtl: false,
      dnsResolver: undefined,
      retries: undefined,
    },
    options.template,
  );
}

/** The hosts of the first cluster in `/clusters?format=json`. */
export async function readHosts(adminUrl: string): Promise<readonly HostStatus[]> {
  const response = await fetch(`${adminUrl}/clusters?format=json`);
  return parseClustersJson(await response.json())[0]?.hosts ?? [];
}

/**
 * Polls /clusters until the host addresses equal `expected` (order ignored); throws when they never do. Uses
 * `vi.waitFor`, which also works in hooks, where `expect.poll` may not be called.
 */
export async function waitForHosts(
  adminUrl: string,
  expected: readonly string[],
  timeoutMs = 20_000,
): Promise<void> {
  const wanted = [...expected].sort().join(',');
  await vi.waitFor(
    async () => {
      const seen = (await readHosts(adminUrl))
        .map((host) => host.address)
        .sort()
        .join(',');
      if (seen !== wanted) throw new Error(`/clusters lists [${seen}], not [${wanted}]`);
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

/** Sends `count` GETs, `concurrency` at a time, and tallies responses by status and by `x-upstream-pod`. */
export async function sendRequests(
  url: string,
  count: number,
  concurrency = 8,
): Promise<{ statuses: Map<number, number>; pods: Map<string, number> }> {
  const statuses = new Map<number, number>();
  const pods = new Map<string, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      const response = await fetch(url);
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const pod = response.headers.get('x-upstream-pod');
      if (pod !== null) pods.set(pod, (pods.get(pod) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { statuses, pods };
}

/** A stats-store counter or gauge of `/stats` (text format), 0 when absent. */
export async function readStat(adminUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${adminUrl}/stats`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}: `));
  return line === undefined ? 0 : Number(line.slice(name.length + 2));
}
