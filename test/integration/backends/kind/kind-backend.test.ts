import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AbortedError, ClusterError, LbbenchError, ToolMissingError } from '../../../../src/errors.js';
import { createExecaRunner } from '../../../../src/backends/exec.js';
import { createKindBackend } from '../../../../src/backends/kind/kind-backend.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import {
  startFakeKubeApi,
  type FakeKubeApi,
  type FakeKubeApiOptions,
} from '../../../support/fake-kube-api.js';
import { makeRecordingProgress, makeScenario, makeTempRepo } from '../../../unit/backends/kube/fixtures.js';
import { startStandInProxy } from '../kube/stand-in-proxy.js';
import { makeShimPath, toLines } from './shim-path.js';
import { getAdminUrl } from '../../../support/admin-url.js';
import { envoyRow } from '../../../../src/scenario/envoy-row.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const FAST = { pollIntervalMs: 20, rolloutMs: 5_000, clustersMs: 5_000 };

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function setup(
  options: {
    tools?: Parameters<typeof makeShimPath>[0];
    fake?: FakeKubeApiOptions;
    env?: Record<string, string>;
    keep?: boolean;
    server?: string;
    timeouts?: Partial<typeof FAST>;
    /** Abort this controller on the first progress update starting with `prefix`. */
    abortOn?: { prefix: string; controller: AbortController };
  } = {},
) {
  const cluster: { fake?: FakeKubeApi } = {};
  const standIn = await startStandInProxy(() => cluster.fake?.readyPodIps('myapp') ?? []);
  cleanups.push(standIn.close);
  const fake = await startFakeKubeApi({
    portForwardTargets: { 80: standIn.trafficPort, 9901: standIn.adminPort },
    ...options.fake,
  });
  cluster.fake = fake;
  cleanups.push(fake.close);
  const shims = await makeShimPath(options.tools ?? ['kind', 'docker']);
  cleanups.push(shims.remove);
  const repo = await makeTempRepo(getPackageRoot());
  cleanups.push(repo.remove);
  const runner = createExecaRunner({
    env: { ...shims.env, LBB_SHIM_KUBE_SERVER: options.server ?? fake.url, ...options.env },
  });
  const recorded = makeRecordingProgress();
  const progress = {
    step: (message: string) => {
      recorded.step(message);
    },
    update: (message: string) => {
      recorded.update(message);
      if (options.abortOn !== undefined && message.startsWith(options.abortOn.prefix))
        options.abortOn.controller.abort();
    },
    warn: (message: string) => {
      recorded.warn(message);
    },
  };
  const backend = createKindBackend(makeScenario({ kind: { ...makeScenario().kind, workers: 1 } }), {
    runner,
    progress,
    keep: options.keep ?? false,
    repoRoot: repo.root,
    timeouts: { ...FAST, ...options.timeouts },
  });
  cleanups.push(() => backend.down());
  return { backend, fake, standIn, shims, repo, lines: recorded.lines };
}

const UP_COMMANDS = [
  'kind version',
  'docker version --format {{.Server.Version}}',
  'kind get clusters',
  'docker build -t lbbench-proxy:dev -f proxy/Dockerfile proxy',
  'docker build -t lbbench:dev -f cluster/lbbench-image/Dockerfile .',
  'kind create cluster --name lbbench --config <config> --kubeconfig <kubeconfig>',
  'kind load docker-image lbbench-proxy:dev --name lbbench',
  'kind load docker-image lbbench:dev --name lbbench',
  'kind get kubeconfig --name lbbench',
];
const DELETE = 'kind delete cluster --name lbbench --kubeconfig <kubeconfig>';

const normalise = (lines: string[]) =>
  lines.map((line) =>
    line
      .replace(/--config \S+/, '--config <config>')
      .replace(/--kubeconfig \S+/, '--kubeconfig <kubeconfig>'),
  );
const writes = (fake: FakeKubeApi) =>
  fake.requests
    .filter((r) => r.method !== 'GET' || r.path.endsWith('/portforward'))
    .map((r) => `${r.method} ${r.path}`);

describe('kind backend with kind/docker shims and a fake API server', () => {
  it('build → create → load → apply → wait → admin port-forward → /clusters → delete, in order', async () => {
    const { backend, fake, standIn, shims, repo } = await setup();
    const signal = new AbortController().signal;
    await backend.up(signal);
    const endpoints = await backend.deployProxy({ row: envoyRow('ROUND_ROBIN'), seed: 3 }, signal);

    // The measured load runs in the cluster (a Job) against the proxy Service; only admin is forwarded.
    expect(endpoints.trafficUrl).toBe('http://myapp-envoy.lbbench.svc.cluster.local:80');
    expect(endpoints.runLoad).toBeDefined();
    expect(standIn.trafficPaths).toEqual([]);
    const clusters = await (await fetch(`${getAdminUrl(endpoints)}/clusters`)).text();
    const ips = fake.readyPodIps('myapp');
    expect(ips).toHaveLength(3);
    for (const ip of ips) expect(clusters).toContain(`myapp_cluster::${ip}:80::rq_total::0`);

    await backend.removeProxy();
    await backend.down();

    const calls = await shims.readCalls();
    expect(normalise(toLines(calls))).toEqual([...UP_COMMANDS, DELETE]);
    expect(calls.filter((c) => c.argv[0] === 'build').map((c) => c.cwd)).toEqual([repo.root, repo.root]);
    expect(parse(calls.find((c) => c.argv[0] === 'create')?.config ?? '')).toMatchObject({
      name: 'lbbench',
      nodes: [{ role: 'control-plane' }, { role: 'worker' }],
    });

    const proxyPod = fake.pods().find((p) => p.deployment === 'myapp-envoy')?.name ?? '';
    expect(writes(fake).filter((line) => !line.endsWith('/portforward'))).toEqual([
      'POST /api/v1/namespaces',
      'POST /api/v1/namespaces/lbbench/configmaps',
      'POST /api/v1/namespaces/lbbench/services',
      'POST /apis/apps/v1/namespaces/lbbench/deployments',
      'POST /api/v1/namespaces/lbbench/configmaps',
      'POST /api/v1/namespaces/lbbench/services',
      'POST /apis/apps/v1/namespaces/lbbench/deployments',
    ]);
    // One WebSocket per forwarded TCP connection (fetch may reuse one): the admin port of the proxy pod only.
    expect(new Set(fake.portForwards)).toEqual(
      new Set([`/api/v1/namespaces/lbbench/pods/${proxyPod}/portforward?ports=9901`]),
    );
    const proxyDeployment = fake.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/deployments'),
    )[1]?.body;
    expect(proxyDeployment).toMatchObject({
      metadata: { name: 'myapp-envoy', namespace: 'lbbench' },
      spec: {
        template: {
          spec: { containers: [{ image: 'lbbench-proxy:dev', args: ['--concurrency', '2', '--seed', '3'] }] },
        },
      },
    });
  });

  it("leaves the user's kubeconfig as it was: kind writes and edits only the private one", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbbench-user-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const userKubeconfig = join(dir, 'config');
    const before = 'apiVersion: v1\nkind: Config\ncurrent-context: my-prod\n';
    await writeFile(userKubeconfig, before);
    const { backend, shims } = await setup({ env: { KUBECONFIG: userKubeconfig } });
    await backend.up(new AbortController().signal);
    await backend.down();
    expect(await readFile(userKubeconfig, 'utf8')).toBe(before);
    const calls = await shims.readCalls();
    const paths = calls
      .filter((c) => c.argv[0] === 'create' || c.argv[0] === 'delete')
      .map((c) => c.argv[c.argv.indexOf('--kubeconfig') + 1]);
    expect(paths).toHaveLength(2);
    expect(paths[0]).toBe(paths[1]);
    expect(paths[0]).toMatch(/lbbench-kind-[^/]+\/kubeconfig$/);
  });

  it('a rollout that never becomes Ready times out, naming the problem, and the cluster is deleted', async () => {
    const { backend, shims } = await setup({ fake: { neverReady: ['myapp'] }, timeouts: { rolloutMs: 300 } });
    const up = backend.up(new AbortController().signal);
    await expect(up).rejects.toBeInstanceOf(ClusterError);
    await expect(up).rejects.toThrow(
      /Timed out after 0.3 s waiting for Deployment lbbench\/myapp; last status: 0\/3 pods Ready.*ImagePullBackOff/,
    );
    expect(normalise(toLines(await shims.readCalls()))).toEqual([...UP_COMMANDS, DELETE]);
  });

  it('Ctrl-C during up (abort signal) deletes the cluster', async () => {
    const controller = new AbortController();
    const { backend, shims } = await setup({
      fake: { neverReady: ['myapp'] },
      timeouts: { rolloutMs: 60_000 },
      abortOn: { prefix: 'Deployment lbbench/myapp:', controller },
    });
    await expect(backend.up(controller.signal)).rejects.toBeInstanceOf(AbortedError);
    expect(normalise(toLines(await shims.readCalls())).at(-1)).toBe(DELETE);
  });

  it('Ctrl-C while deploying the proxy, then down(), deletes the cluster', async () => {
    const controller = new AbortController();
    const { backend, shims } = await setup({
      fake: { neverReady: ['myapp-envoy'] },
      timeouts: { rolloutMs: 60_000 },
      abortOn: { prefix: 'Deployment lbbench/myapp-envoy:', controller },
    });
    await backend.up(controller.signal);
    await expect(
      backend.deployProxy({ row: envoyRow('RANDOM'), seed: 1 }, controller.signal),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(toLines(await shims.readCalls()).at(-1)).toBe('kind get kubeconfig --name lbbench');
    await backend.down();
    expect(normalise(toLines(await shims.readCalls())).at(-1)).toBe(DELETE);
  });
});

describe('kind backend environment errors (exit code 3)', () => {
  it.each([
    ['kind', ['docker' as const], /^kind not found on PATH\. Install kind/],
    ['docker', ['kind' as const], /^docker not found on PATH\. Install Docker Engine or Docker Desktop/],
  ])('missing %s → ToolMissingError saying how to install it', async (tool, tools, message) => {
    const { backend } = await setup({ tools });
    const up = backend.up(new AbortController().signal);
    await expect(up).rejects.toBeInstanceOf(ToolMissingError);
    await expect(up).rejects.toThrow(message);
    await up.catch((error: unknown) => {
      expect(error instanceof ToolMissingError && [error.tool, error.category]).toEqual([
        tool,
        'environment',
      ]);
    });
  });

  it('a stopped Docker engine → ClusterError telling to start Docker; nothing is created', async () => {
    const { backend, shims } = await setup({ env: { LBB_SHIM_EXIT_DOCKER: '1' } });
    const up = backend.up(new AbortController().signal);
    await expect(up).rejects.toBeInstanceOf(ClusterError);
    await expect(up).rejects.toThrow(/Cannot connect to the Docker daemon.*\nStart Docker/s);
    expect(toLines(await shims.readCalls())).toEqual([
      'kind version',
      'docker version --format {{.Server.Version}}',
    ]);
  });

  it('an unreachable API server → ClusterError saying what to check, and the cluster is deleted', async () => {
    const { backend, shims } = await setup({ server: `http://127.0.0.1:${await closedPort()}` });
    const up = backend.up(new AbortController().signal);
    await expect(up).rejects.toBeInstanceOf(ClusterError);
    await expect(up).rejects.toThrow(
      /cannot reach the Kubernetes API of context "kind-lbbench".*ECONNREFUSED.*kind get clusters/,
    );
    await up.catch((error: unknown) => {
      expect(error instanceof LbbenchError && error.category).toBe('environment');
    });
    expect(normalise(toLines(await shims.readCalls())).at(-1)).toBe(DELETE);
  });
});
