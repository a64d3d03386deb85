import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';
import { resolveProxyMain } from 'lbbench-proxy';

import type { Backend } from '../../../../src/backends/backend.js';
import { createLocalBackend } from '../../../../src/backends/local/local-backend.js';
import { fetchClusters } from '../../../../src/collect/clusters-client.js';
import { getDistPath, REPO_ROOT } from '../../../support/dist.js';
import { createLocalTestScenario } from '../../../support/local-scenario.js';
import { getAdminUrl } from '../../../support/admin-url.js';
import { envoyRow } from '../../../../src/scenario/envoy-row.js';

const proxyEntry = resolveProxyMain();
const hasProxy = existsSync(proxyEntry) && existsSync(join(REPO_ROOT, 'proxy/envoy.yaml.tmpl'));
const signal = new AbortController().signal;

if (!hasProxy) {
  // eslint-disable-next-line no-console -- say why the suite is skipped, visibly
  console.warn(
    `skipping the local proxy tests: ${proxyEntry} or proxy/envoy.yaml.tmpl is missing (run npm run build)`,
  );
}

async function startBackend(): Promise<{ backend: Backend; outDir: string }> {
  const outDir = await mkdtemp(join(tmpdir(), 'lbbench-local-proxy-'));
  const backend = createLocalBackend(createLocalTestScenario(), {
    outDir,
    progress: { step: () => undefined, update: () => undefined, warn: () => undefined },
    proxyEntry,
    helperEntryDir: getDistPath('src/backends/local'),
  });
  onTestFinished(async () => {
    await backend.down();
    await rm(outDir, { recursive: true, force: true });
  });
  await backend.up(signal);
  return { backend, outDir };
}

async function get(url: string): Promise<{ status: number; pod: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const pod = res.headers['x-upstream-pod'];
        resolve({ status: res.statusCode ?? 0, pod: typeof pod === 'string' ? pod : undefined });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function listHosts(adminUrl: string): Promise<string[]> {
  const snapshot = await fetchClusters(adminUrl, { now: () => performance.now() });
  return snapshot.clusters.flatMap((cluster) => cluster.hosts.map((host) => host.address)).sort();
}

describe.skipIf(!hasProxy)('local backend with lbbench-proxy', () => {
  it('deploys the proxy per policy, which reaches every Ready pod through the embedded DNS', async () => {
    const { backend, outDir } = await startBackend();
    const pods = await backend.pods(signal);
    const endpoints = await backend.deployProxy({ row: envoyRow('ROUND_ROBIN'), seed: 1 }, signal);
    expect(endpoints.proxy).toMatchObject({ kind: 'lbbench' });
    expect(endpoints.proxy.version).not.toBe('unknown');
    expect(await listHosts(getAdminUrl(endpoints))).toEqual(
      pods.map((pod) => `${pod.ip}:${pod.port}`).sort(),
    );

    const answers = [];
    for (let i = 0; i < 30; i += 1) {
      answers.push(await get(`${endpoints.trafficUrl}/`));
    }
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.pod))).toEqual(new Set(pods.map((pod) => pod.name)));

    const config = await readFile(join(outDir, 'local', 'proxy-1-ROUND_ROBIN.yaml'), 'utf8');
    expect(config).toContain('lb_policy: ROUND_ROBIN');
    expect(config).not.toContain('${');
    expect(backend.environment().details.proxy).toContain(endpoints.proxy.version);
  });

  it('follows a killed pod out of DNS; after the reset the next policy meets 3 fresh-or-surviving Ready pods', async () => {
    const { backend } = await startBackend();
    const first = await backend.deployProxy({ row: envoyRow('ROUND_ROBIN'), seed: 1 }, signal);
    const [victim, ...rest] = await backend.pods(signal);
    await backend.kill(victim!.name, signal);
    const survivors = rest.map((pod) => `${pod.ip}:${pod.port}`).sort();
    await expect
      .poll(() => listHosts(getAdminUrl(first)), { timeout: 10_000, interval: 100 })
      .toEqual(survivors);

    await backend.removeProxy();
    await expect(get(`${first.trafficUrl}/`)).rejects.toThrow(/ECONNREFUSED/);
    await backend.reset(signal);
    const pods = await backend.pods(signal);
    // The killed pod is replaced, as a Deployment would: a new name and a new address in its place.
    expect(pods).toHaveLength(3);
    expect(pods.every((pod) => pod.ready)).toBe(true);
    expect(pods.slice(1)).toEqual(rest);
    expect(pods[0]!.name).not.toBe(victim!.name);
    expect(pods[0]!.ip).not.toBe(victim!.ip);
    const second = await backend.deployProxy({ row: envoyRow('LEAST_REQUEST'), seed: 2 }, signal);
    expect(second.trafficUrl).not.toBe(first.trafficUrl);
    expect(second.proxy.isSeeded).toBe(true);
    expect(await listHosts(getAdminUrl(second))).toEqual(pods.map((pod) => `${pod.ip}:${pod.port}`).sort());
    expect((await get(`${second.trafficUrl}/`)).status).toBe(200);
  });
});
