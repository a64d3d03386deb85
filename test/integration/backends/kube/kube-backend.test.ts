import { CoreV1Api, type KubeConfig, type V1Service } from '@kubernetes/client-node';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError, ClusterError } from '../../../../src/errors.js';
import { createKubeBackend } from '../../../../src/backends/kube/existing-cluster.js';
import type { KubeBackendOptions } from '../../../../src/backends/kube/kube-backend.js';
import { toApiObject } from '../../../../src/backends/kube/manifest-types.js';
import { getGeneratorEntry } from '../../../../src/load/run-local-generators.js';
import { startPodServer } from '../../../../src/backends/kube/pod-server.js';
import { createDelayOnlySettings } from '../../../../src/backends/local/pod-settings.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import { SILENT_PROGRESS } from '../../../../src/progress.js';
import type { PolicyEntry, Scenario } from '../../../../src/scenario/types.js';
import {
  startFakeKubeApi,
  type FakeKubeApi,
  type FakeKubeApiOptions,
} from '../../../support/fake-kube-api.js';
import {
  makeKubeConfig,
  makeRecordingProgress,
  makeScenario,
  makeTempRepo,
  TEST_ENVOY_TEMPLATE,
} from '../../../unit/backends/kube/fixtures.js';
import { startStandInHaproxyStats } from './stand-in-haproxy-stats.js';
import { startStandInProxy } from './stand-in-proxy.js';
import { getAdminUrl } from '../../../support/admin-url.js';
import { envoyRow } from '../../../../src/scenario/envoy-row.js';
import { measureRun } from '../../../../src/run/measure-run.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const signal = new AbortController().signal;
const FAST = { pollIntervalMs: 20, rolloutMs: 5_000, clustersMs: 5_000 };

function kubeScenario(
  overrides: { proxy?: Partial<Scenario['proxy']>; kube?: Partial<Scenario['kube']> } = {},
): Scenario {
  const base = makeScenario();
  return makeScenario({
    backend: 'kube',
    proxy: { ...base.proxy, image: 'registry.example/lbbench-proxy:1.2', ...overrides.proxy },
    kube: { ...base.kube, image: 'registry.example/lbbench:1.2', ...overrides.kube },
  });
}

async function startCluster(options: FakeKubeApiOptions = {}) {
  const cluster: { fake?: FakeKubeApi } = {};
  const standIn = await startStandInProxy(() => cluster.fake?.readyPodIps('myapp') ?? []);
  cleanups.push(standIn.close);
  const fake = await startFakeKubeApi({
    portForwardTargets: { 80: standIn.trafficPort, 9901: standIn.adminPort },
    // The Job's generators are the real entry point, run as local processes against the stand-in proxy.
    jobRunner: { entry: getGeneratorEntry(), url: `http://127.0.0.1:${standIn.trafficPort}` },
    ...options,
  });
  cluster.fake = fake;
  cleanups.push(fake.close);
  return { fake, standIn };
}

function startBackend(scenario: Scenario, options: Partial<KubeBackendOptions> & { kubeConfig: KubeConfig }) {
  const backend = createKubeBackend(scenario, {
    progress: makeRecordingProgress(),
    repoRoot: getPackageRoot(),
    keep: false,
    timeouts: FAST,
    ...options,
  });
  cleanups.push(() => backend.down());
  return backend;
}

const writes = (fake: FakeKubeApi) =>
  fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

describe('kube backend against a fake API server', () => {
  it('applies, rolls out, forwards, replaces the proxy per run with its seed, scales, kills, resets, and deletes its namespace', async () => {
    const { fake, standIn } = await startCluster();
    const backend = startBackend(kubeScenario(), { kubeConfig: makeKubeConfig(fake.url) });
    await backend.up(signal);
    const first = await backend.deployProxy({ row: envoyRow('ROUND_ROBIN'), seed: 7 }, signal);
    expect(first.proxy).toEqual({
      kind: 'lbbench',
      version: '1.2',
      command: 'image registry.example/lbbench-proxy:1.2 --concurrency 2 --seed 7',
      isSeeded: true,
    });
    expect(first.trafficUrl).toBe('http://myapp-envoy.lbbench.svc.cluster.local:80');
    const firstPod = fake.pods().find((p) => p.deployment === 'myapp-envoy')?.name;
    const second = await backend.deployProxy({ row: envoyRow('LEAST_REQUEST'), seed: 8 }, signal);
    expect(getAdminUrl(second)).not.toBe(getAdminUrl(first));
    expect(fake.pods().find((p) => p.deployment === 'myapp-envoy' && !p.terminating)?.name).not.toBe(
      firstPod,
    );
    // Only the admin port is forwarded: the measured load runs inside the cluster.
    expect(fake.portForwards.every((path) => path.endsWith('ports=9901'))).toBe(true);
    expect(standIn.trafficPaths).toEqual([]);

    await backend.scale(4, signal);
    const pods = await backend.pods(signal);
    expect(pods.map((p) => [p.ip, p.port, p.ready])).toEqual(
      fake
        .readyPodIps('myapp')
        .sort()
        .map((ip) => [ip, 80, true]),
    );
    expect(pods).toHaveLength(4);
    await backend.kill(pods[0]?.name ?? '', signal);
    await backend.removeProxy();
    await backend.reset(signal);
    const after = await backend.pods(signal);
    expect(after).toHaveLength(3);
    expect(after.map((p) => p.name)).not.toContain(pods[0]?.name);
    await backend.down();

    expect(writes(fake)).toEqual([
      'POST /api/v1/namespaces',
      'POST /api/v1/namespaces/lbbench/configmaps',
      'POST /api/v1/namespaces/lbbench/services',
      'POST /apis/apps/v1/namespaces/lbbench/deployments',
      'POST /api/v1/namespaces/lbbench/configmaps',
      'POST /api/v1/namespaces/lbbench/services',
      'POST /apis/apps/v1/namespaces/lbbench/deployments',
      // The second run: create answers 409, then each object is replaced.
      'POST /api/v1/namespaces/lbbench/configmaps',
      'PUT /api/v1/namespaces/lbbench/configmaps/myapp-envoy-config',
      'POST /api/v1/namespaces/lbbench/services',
      'PUT /api/v1/namespaces/lbbench/services/myapp-envoy',
      'POST /apis/apps/v1/namespaces/lbbench/deployments',
      'PUT /apis/apps/v1/namespaces/lbbench/deployments/myapp-envoy',
      'PATCH /apis/apps/v1/namespaces/lbbench/deployments/myapp',
      `DELETE /api/v1/namespaces/lbbench/pods/${pods[0]?.name ?? ''}`,
      'PATCH /apis/apps/v1/namespaces/lbbench/deployments/myapp',
      'DELETE /api/v1/namespaces/lbbench',
    ]);
    const posts = fake.requests.filter((r) => r.method === 'POST');
    expect(posts[3]?.body).toMatchObject({
      metadata: { name: 'myapp', namespace: 'lbbench' },
      spec: { replicas: 3, template: { spec: { containers: [{ image: 'nginx:1.10' }] } } },
    });
    const config = (posts[4]?.body as { data: Record<string, string> }).data['envoy.yaml'] ?? '';
    expect(config).toContain('lb_policy: ROUND_ROBIN');
    expect(config).toContain('dns_refresh_rate: 5s');
    expect(config).toContain('respect_dns_ttl: false');
    expect(config).toContain('address: myapp.lbbench.svc.cluster.local');
    expect(posts[6]?.body).toMatchObject({
      spec: {
        template: {
          spec: {
            containers: [
              {
                image: 'registry.example/lbbench-proxy:1.2',
                args: ['--concurrency', '2', '--seed', '7'],
                env: [
                  { name: 'ENVOY_LB_ALG', value: 'ROUND_ROBIN' },
                  { name: 'SERVICE_NAME', value: 'myapp.lbbench.svc.cluster.local' },
                  { name: 'ENVOY_TEMPLATE', value: '/etc/lbbench/envoy.yaml' },
                ],
              },
            ],
          },
        },
      },
    });
    const replaced = fake.requests.find(
      (r) => r.method === 'PUT' && r.path.endsWith('/deployments/myapp-envoy'),
    );
    const annotation = (body: unknown): string | undefined =>
      (body as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec.template
        .metadata.annotations['lbbench.dev/deployment'];
    expect(annotation(posts[6]?.body)).toMatch(/^[0-9a-f]{8}-1$/);
    expect(annotation(replaced?.body)).toBe(annotation(posts[6]?.body)?.replace(/-1$/, '-2'));
    const scales = fake.requests.filter((r) => r.method === 'PATCH');
    expect(scales.map((r) => r.body)).toEqual([
      [{ op: 'replace', path: '/spec/replicas', value: 4 }],
      [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    ]);
    expect(fake.getObject('namespaces', '', 'lbbench')).toMatchObject({ status: { phase: 'Terminating' } });
  });

  it('rolls out the HAProxy row (stats over the forwarded stats port) and the nginx row (its in-pod discovery loop)', async () => {
    const holder: { fake?: FakeKubeApi } = {};
    const stats = await startStandInHaproxyStats(() => holder.fake?.readyPodIps('myapp') ?? []);
    cleanups.push(stats.close);
    const { fake } = await startCluster({
      portForwardTargets: { 8404: stats.port },
      podLog: () =>
        `lbbench-discovery generation=1 servers=${(holder.fake?.readyPodIps('myapp') ?? []).join(',')}\n`,
    });
    holder.fake = fake;
    const backend = startBackend(kubeScenario(), { kubeConfig: makeKubeConfig(fake.url) });
    await backend.up(signal);

    const haproxy = await backend.deployProxy(
      { row: { name: 'haproxy:leastconn', proxy: 'haproxy', policy: 'leastconn' }, seed: 1 },
      signal,
    );
    expect(haproxy.trafficUrl).toBe('http://myapp-haproxy.lbbench.svc.cluster.local:8080');
    expect(haproxy.counters).toMatchObject({ kind: 'haproxy-stats' });
    expect(haproxy.counters.kind === 'haproxy-stats' ? haproxy.counters.statsUrl : '').toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/stats$/,
    );
    expect(haproxy.proxy).toMatchObject({ kind: 'haproxy', version: 'haproxy:2.6.12', isSeeded: false });
    expect(haproxy.proxy.podDiscovery).toContain('server-template');
    // Its stats were read through the port-forward until they listed the Ready pods.
    expect(stats.requests).toBeGreaterThan(0);
    expect(fake.portForwards.every((path) => path.endsWith('ports=8404'))).toBe(true);

    const nginx = await backend.deployProxy(
      { row: { name: 'nginx:least_conn', proxy: 'nginx', policy: 'least_conn' }, seed: 2 },
      signal,
    );
    expect(nginx.trafficUrl).toBe('http://myapp-nginx-proxy.lbbench.svc.cluster.local:8080');
    expect(nginx.counters).toEqual({ kind: 'client-tally' });
    expect(nginx.proxy.podDiscovery).toContain('nginx -s reload');
    expect(typeof nginx.runLoad).toBe('function');

    const posts = fake.requests.filter((r) => r.method === 'POST');
    const bodyNamed = (name: string, resource: string) =>
      posts.find(
        (r) => r.path.endsWith(`/${resource}`) && JSON.stringify(r.body).includes(`"name":"${name}"`),
      )?.body as { data?: Record<string, string>; spec?: unknown } | undefined;
    expect(bodyNamed('myapp-haproxy', 'configmaps')?.data?.['haproxy.cfg']).toContain(
      'server-template myapp 1-6 myapp.lbbench.svc.cluster.local:80 resolvers cluster',
    );
    expect(bodyNamed('myapp-haproxy', 'deployments')).toMatchObject({
      spec: { template: { spec: { containers: [{ image: 'haproxy:2.6.12' }] } } },
    });
    expect(bodyNamed('myapp-nginx-proxy', 'configmaps')?.data?.['nginx.conf']).toContain('least_conn;');
    expect(bodyNamed('myapp-nginx-proxy', 'deployments')).toMatchObject({
      spec: {
        template: {
          spec: {
            containers: [
              {
                image: 'nginx:1.22.1',
                command: ['/bin/sh', '/usr/local/lib/lbbench/discover.sh'],
                args: ['myapp.lbbench.svc.cluster.local', '80', '5'],
              },
            ],
          },
        },
      },
    });
    expect(
      fake.pods().filter((p) => p.deployment === 'myapp-haproxy' || p.deployment === 'myapp-nginx-proxy'),
    ).toHaveLength(2);
    // The myapp pods' own nginx ConfigMap is never touched by the nginx row.
    expect(writes(fake).filter((w) => w.endsWith('/configmaps/myapp-nginx'))).toEqual([]);
  });

  /**
   * Deploys nginx row `row` on a fake cluster whose nginx pod logs `nginxLog(Ready myapp pod IPs)` (undefined: the
   * log cannot be read), calls `afterDeploy`, then measures one short run of it.
   */
  async function measureNginxRow(
    row: Extract<PolicyEntry, { proxy: 'nginx' }>,
    nginxLog: (ready: readonly string[]) => string | undefined,
    afterDeploy: (fake: FakeKubeApi) => void,
  ) {
    const holder: { fake?: FakeKubeApi } = {};
    const { fake } = await startCluster({
      podLog: (pod) =>
        pod.deployment === 'myapp-nginx-proxy' ? nginxLog(holder.fake?.readyPodIps('myapp') ?? []) : '',
    });
    holder.fake = fake;
    const scenario = kubeScenario();
    const load = { ...scenario.load, connections: 2, durationMs: 1_000, warmupMs: 0, generators: 1 };
    const progress = makeRecordingProgress();
    const backend = startBackend(makeScenario({ ...scenario, load }), {
      kubeConfig: makeKubeConfig(fake.url),
      progress,
      timeouts: { ...FAST, jobStartLeadMs: 2_000, jobStartMs: 30_000 },
    });
    await backend.up(signal);
    const endpoints = await backend.deployProxy({ row, seed: 1 }, signal);
    afterDeploy(fake);
    const record = await measureRun({
      backend,
      endpoints,
      scenario: makeScenario({ ...scenario, load, policies: [row] }),
      row,
      repetition: 0,
      seed: 1,
      initialPods: await backend.pods(signal),
      signal,
      progress: SILENT_PROGRESS,
    });
    const nginxPod = fake.pods().find((p) => p.deployment === 'myapp-nginx-proxy')?.name ?? '';
    return { record, progress, nginxPod };
  }

  it("measures an nginx row once its pod's log lists the Ready pods, and records the logged reloads in the run", async () => {
    // The discovery loop's lines (as nginx-discovery-script.ts prints them) between nginx's own, plus one broken.
    const nginxLog = (ready: readonly string[]): string =>
      [
        `lbbench-discovery generation=1 servers=${ready.slice(0, 2).join(',')}`,
        '2026/12/03 03:30:01 [notice] 7#7: signal 1 (SIGHUP) received from 40, reconfiguring',
        `lbbench-reload generation=2 changed_at_ms=1796268614647 served_at_ms=1796268614776 servers=${ready.join(',')}`,
        'lbbench-reload generation=3 changed_at_ms=garbled',
        '',
      ].join('\n');
    const row = { name: 'nginx:least_conn', proxy: 'nginx', policy: 'least_conn' } as const;
    const { record, progress, nginxPod } = await measureNginxRow(row, nginxLog, (fake) => {
      const pod = fake.pods().find((p) => p.deployment === 'myapp-nginx-proxy')?.name ?? '';
      // The wait read the pod's log before any load ran.
      const logReads = fake.requests.filter((r) => r.path.endsWith(`/pods/${pod}/log`));
      expect(logReads.length).toBeGreaterThan(0);
      expect(logReads[0]?.query).toMatchObject({ container: 'myapp-nginx-proxy' });
      expect(fake.requests.some((r) => r.method === 'POST' && r.path.endsWith('/jobs'))).toBe(false);
    });
    expect(record.counterSource).toBe('client-tally');
    expect(record.configReloads).toEqual([
      { changedAt: new Date(1796268614647).toISOString(), servers: 3, lagMs: 129 },
    ]);
    expect(progress.lines).toContainEqual(
      `warn: row nginx:least_conn: ignored 1 line(s) of pod ${nginxPod}'s log that start like a discovery line but do not parse, the first: "lbbench-reload generation=3 changed_at_ms=garbled"`,
    );
  });

  it("keeps an nginx run's counts when the pod's log cannot be read at its end: no reloads and a warning", async () => {
    let isGone = false;
    const row = { name: 'nginx:round_robin', proxy: 'nginx', policy: 'round_robin' } as const;
    const { record, progress } = await measureNginxRow(
      row,
      (ready) => (isGone ? undefined : `lbbench-discovery generation=1 servers=${ready.join(',')}\n`),
      () => {
        isGone = true;
      },
    );
    expect(record.load.status2xx).toBeGreaterThan(0);
    expect(record.configReloads).toEqual([]);
    expect(
      progress.lines.some((line) =>
        line.startsWith('warn: row nginx:round_robin: no configReloads: reading the log of nginx pod'),
      ),
    ).toBe(true);
  });

  it("times out with the Deployment, the Ready pods and what nginx lists when its pod's log never lists them", async () => {
    const { fake } = await startCluster({
      podLog: (pod) =>
        pod.deployment === 'myapp-nginx-proxy' ? 'lbbench-discovery generation=1 servers=10.9.9.9\n' : '',
    });
    const backend = startBackend(kubeScenario(), {
      kubeConfig: makeKubeConfig(fake.url),
      timeouts: { ...FAST, clustersMs: 300 },
    });
    await backend.up(signal);
    const ready = fake.readyPodIps('myapp').sort().join(', ');
    const deployed = backend.deployProxy(
      { row: { name: 'nginx:round_robin', proxy: 'nginx', policy: 'round_robin' }, seed: 1 },
      signal,
    );
    await expect(deployed).rejects.toThrow(ClusterError);
    await expect(deployed).rejects.toThrow(
      new RegExp(
        `waiting for nginx \\(pod myapp-nginx-proxy-\\S+ of Deployment lbbench/myapp-nginx-proxy\\) to list the Ready myapp pods; ` +
          `last status: its upstream \\(generation 1\\) lists \\[10\\.9\\.9\\.9\\]; expected \\[${ready.replaceAll('.', '\\.')}\\] \\(the Ready myapp pods\\)`,
      ),
    );
  });

  it('runs the measured load as an in-cluster Job of N generators and merges their reports exactly', async () => {
    const { fake, standIn } = await startCluster();
    const scenario = kubeScenario();
    const load = { ...scenario.load, connections: 6, durationMs: 1_500, warmupMs: 0, generators: 3 };
    const backend = startBackend(makeScenario({ ...scenario, load }), {
      kubeConfig: makeKubeConfig(fake.url),
      timeouts: { ...FAST, jobStartLeadMs: 2_000, jobStartMs: 30_000 },
    });
    await backend.up(signal);
    const endpoints = await backend.deployProxy({ row: envoyRow('ROUND_ROBIN'), seed: 1 }, signal);
    expect(endpoints.runLoad).toBeDefined();
    let snapshots = 0;
    const record = await endpoints.runLoad?.({
      url: endpoints.trafficUrl,
      load,
      podHeader: 'x-upstream-pod',
      signal,
      onMeasureStart: () => {
        snapshots += 1;
        // The snapshot comes before the window: no generator has sent a request yet.
        expect(standIn.trafficPaths).toEqual([]);
      },
    });
    expect(snapshots).toBe(1);
    expect(record?.client).toMatchObject({ path: 'in-cluster-job', generators: 3 });
    // Every request the stand-in proxy answered is counted once, and tallied to its pod.
    expect(record?.responses).toBe(standIn.trafficPaths.length);
    expect(record?.responses).toBeGreaterThan(0);
    expect(record?.podTally).toEqual({ 'myapp-stand-in': standIn.trafficPaths.length });
    const job = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
    expect(job?.body).toMatchObject({ spec: { parallelism: 3, completions: 3, completionMode: 'Indexed' } });
    expect(fake.requests.filter((r) => r.path.endsWith('/log'))).toHaveLength(3);
    expect(fake.requests.some((r) => r.method === 'DELETE' && r.path.includes('/jobs/lbbench-load-'))).toBe(
      true,
    );
  });

  it('delayed pods run the pod server: per-pod delays at up and at every reset, slow through its control port', async () => {
    const podServer = await startPodServer({
      host: '127.0.0.1',
      port: 0,
      controlPort: 0,
      podName: 'p',
      settings: createDelayOnlySettings(0),
    });
    cleanups.push(() => podServer.close());
    const { fake } = await startCluster({ portForwardTargets: { 8081: podServer.controlPort } });
    const scenario = makeScenario({
      ...kubeScenario(),
      upstream: { server: 'auto', delayMs: 0, pods: [{ index: 2, delayMs: 30 }] },
    });
    const backend = startBackend(scenario, { kubeConfig: makeKubeConfig(fake.url) });
    await backend.up(signal);
    const myapp = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/deployments'));
    expect(myapp?.body).toMatchObject({
      spec: { template: { spec: { containers: [{ image: 'registry.example/lbbench:1.2' }] } } },
    });
    const pods = await backend.pods(signal);
    const controlForwards = () => fake.portForwards.filter((path) => path.endsWith('ports=8081'));
    // Every pod got its delay, in pod order; the stand-in server's last one is pod #2's 30 ms.
    expect(controlForwards()).toEqual(
      pods.map((pod) => `/api/v1/namespaces/lbbench/pods/${pod.name}/portforward?ports=8081`),
    );
    expect(podServer.delayMs()).toBe(30);
    await backend.slow(pods[0]?.name ?? '', 250, signal);
    expect(podServer.delayMs()).toBe(250);
    expect(controlForwards().at(-1)).toContain(`/pods/${pods[0]?.name ?? ''}/`);
    await backend.reset(signal);
    expect(controlForwards()).toHaveLength(2 * pods.length + 1);
    expect(podServer.delayMs()).toBe(30);
  });

  it('a run right after another waits for the deleted namespace to go, then creates it again', async () => {
    const { fake } = await startCluster({ terminationDelayMs: 300 });
    const kubeConfig = makeKubeConfig(fake.url);
    const first = startBackend(kubeScenario(), { kubeConfig });
    await first.up(signal);
    await first.down();
    const progress = makeRecordingProgress();
    const second = startBackend(kubeScenario(), { kubeConfig, progress });
    await second.up(signal);
    expect(
      progress.lines.some((line) =>
        line.includes('namespace lbbench (being deleted by an earlier run) to be gone: Terminating'),
      ),
    ).toBe(true);
    expect(
      writes(fake).filter((line) => line.endsWith('/namespaces') || line.endsWith('/namespaces/lbbench')),
    ).toEqual(['POST /api/v1/namespaces', 'DELETE /api/v1/namespaces/lbbench', 'POST /api/v1/namespaces']);
    await second.down();
  });

  it('in an existing namespace it deletes only its own objects, newest first', async () => {
    const { fake } = await startCluster();
    const backend = startBackend(kubeScenario({ kube: { namespace: 'default' } }), {
      kubeConfig: makeKubeConfig(fake.url),
    });
    await backend.up(signal);
    await backend.deployProxy({ row: envoyRow('RANDOM'), seed: 7 }, signal);
    await backend.down();
    expect(writes(fake).filter((line) => line.startsWith('DELETE'))).toEqual([
      'DELETE /apis/apps/v1/namespaces/default/deployments/myapp-envoy',
      'DELETE /api/v1/namespaces/default/services/myapp-envoy',
      'DELETE /api/v1/namespaces/default/configmaps/myapp-envoy-config',
      'DELETE /apis/apps/v1/namespaces/default/deployments/myapp',
      'DELETE /api/v1/namespaces/default/services/myapp',
      'DELETE /api/v1/namespaces/default/configmaps/myapp-nginx',
    ]);
    expect(fake.getObject('namespaces', '', 'default')).toBeDefined();
  });

  it('replaces what an earlier --keep run left (with its resourceVersion and cluster IP)', async () => {
    const { fake } = await startCluster();
    const kubeConfig = makeKubeConfig(fake.url);
    const kept = startBackend(kubeScenario(), { kubeConfig, keep: true });
    await kept.up(signal);
    await kept.deployProxy({ row: envoyRow('RANDOM'), seed: 7 }, signal);
    await kept.down();
    expect(writes(fake).some((line) => line.startsWith('DELETE'))).toBe(false);

    const again = startBackend(kubeScenario(), { kubeConfig });
    await again.up(signal);
    await again.deployProxy({ row: envoyRow('MAGLEV'), seed: 7 }, signal);
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/lbbench/configmaps/myapp-nginx',
      '/api/v1/namespaces/lbbench/services/myapp',
      '/apis/apps/v1/namespaces/lbbench/deployments/myapp',
      '/api/v1/namespaces/lbbench/configmaps/myapp-envoy-config',
      '/api/v1/namespaces/lbbench/services/myapp-envoy',
      '/apis/apps/v1/namespaces/lbbench/deployments/myapp-envoy',
    ]);
    expect(
      puts.every(
        (r) =>
          typeof (r.body as { metadata: { resourceVersion?: unknown } }).metadata.resourceVersion ===
          'string',
      ),
    ).toBe(true);
    expect((puts[4]?.body as { spec: { clusterIP: string } }).spec.clusterIP).toBe('10.96.0.42');
    await again.down();
    expect(writes(fake).at(-1)).toBe('DELETE /api/v1/namespaces/lbbench/configmaps/myapp-nginx');
  });

  it('refuses to replace an object of the same name that lbbench did not create', async () => {
    const { fake } = await startCluster();
    const kubeConfig = makeKubeConfig(fake.url);
    await kubeConfig.makeApiClient(CoreV1Api).createNamespacedService({
      namespace: 'default',
      body: toApiObject<V1Service>({ metadata: { name: 'myapp' }, spec: { ports: [{ port: 80 }] } }),
    });
    const backend = startBackend(kubeScenario({ kube: { namespace: 'default' } }), { kubeConfig });
    await expect(backend.up(signal)).rejects.toThrow(
      /Service default\/myapp already exists and was not created by lbbench.*kubectl -n default delete service myapp/,
    );
    expect(fake.getObject('services', 'default', 'myapp')).toBeDefined();
    expect(writes(fake).filter((line) => line.startsWith('DELETE'))).toEqual([
      'DELETE /api/v1/namespaces/default/configmaps/myapp-nginx',
    ]);
  });

  it('deploys the real Envoy from the rendered v3 template and re-renders it on a policy switch', async () => {
    const { fake } = await startCluster();
    const repo = await makeTempRepo(getPackageRoot(), { envoyTemplate: TEST_ENVOY_TEMPLATE });
    cleanups.push(repo.remove);
    const backend = startBackend(
      kubeScenario({ proxy: { kind: 'envoy', image: undefined, concurrency: 4 } }),
      {
        kubeConfig: makeKubeConfig(fake.url),
        repoRoot: repo.root,
      },
    );
    await backend.up(signal);
    const endpoints = await backend.deployProxy({ row: envoyRow('ROUND_ROBIN'), seed: 7 }, signal);
    expect(endpoints.proxy).toEqual({
      kind: 'envoy',
      version: 'v1.34.1',
      command: 'image envoyproxy/envoy:v1.34.1 envoy -c /etc/envoy/envoy.yaml --concurrency 4',
      isSeeded: false,
    });
    await backend.deployProxy({ row: envoyRow('RING_HASH'), seed: 7 }, signal);
    const configs = fake.requests.filter(
      (r) =>
        r.path.includes('/configmaps') && r.method !== 'GET' && JSON.stringify(r.body).includes('envoy.yaml'),
    );
    // create-or-replace: the second apply's create answers 409, then the ConfigMap is replaced.
    expect(configs.map((r) => r.method)).toEqual(['POST', 'POST', 'PUT']);
    const data = configs.map((r) => (r.body as { data: Record<string, string> }).data['envoy.yaml'] ?? '');
    expect(data[0]).toContain('lb_policy: ROUND_ROBIN');
    expect(data[2]).toContain('lb_policy: RING_HASH');
    expect(data[2]).toContain('address: myapp.lbbench.svc.cluster.local');
    const stored = fake.getObject('configmaps', 'lbbench', 'myapp-envoy-config') as {
      data: Record<string, string>;
    };
    expect(stored.data['envoy.yaml']).toBe(data[2]);
    const deployment = fake.getObject('deployments', 'lbbench', 'myapp-envoy') as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(deployment.spec.template.spec.containers[0]?.image).toBe('envoyproxy/envoy:v1.34.1');
  });

  it('uses kube.context to pick the cluster', async () => {
    const { fake } = await startCluster();
    const kubeConfig = makeKubeConfig('http://127.0.0.1:9', 'elsewhere');
    kubeConfig.addCluster({ name: 'bench-cluster', server: fake.url, skipTLSVerify: true });
    kubeConfig.addContext({ name: 'bench', cluster: 'bench-cluster', user: 'fake' });
    const backend = startBackend(kubeScenario({ kube: { context: 'bench' } }), { kubeConfig });
    await backend.up(signal);
    expect(backend.environment().details).toMatchObject({
      context: 'bench',
      namespace: 'lbbench',
      kubernetesVersion: 'v1.33.1-fake',
    });
  });

  it('an unreachable API server is a ClusterError (environment) that says what to check', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const backend = startBackend(kubeScenario(), { kubeConfig: makeKubeConfig(`http://127.0.0.1:${port}`) });
    const up = backend.up(signal);
    await expect(up).rejects.toBeInstanceOf(ClusterError);
    await expect(up).rejects.toThrow(
      /reading the Kubernetes version: cannot reach the Kubernetes API of context "fake".*ECONNREFUSED.*kubectl cluster-info/,
    );
  });

  it('an abort while the proxy rolls out rejects with AbortedError and down() still cleans up', async () => {
    const { fake } = await startCluster({ neverReady: ['myapp-envoy'] });
    const controller = new AbortController();
    const backend = startBackend(kubeScenario(), {
      kubeConfig: makeKubeConfig(fake.url),
      progress: {
        ...SILENT_PROGRESS,
        update: (message) => {
          if (message.startsWith('Deployment lbbench/myapp-envoy:')) controller.abort();
        },
      },
      timeouts: { ...FAST, rolloutMs: 60_000 },
    });
    await backend.up(controller.signal);
    await expect(
      backend.deployProxy({ row: envoyRow('RANDOM'), seed: 7 }, controller.signal),
    ).rejects.toBeInstanceOf(AbortedError);
    await backend.down();
    expect(writes(fake).at(-1)).toBe('DELETE /api/v1/namespaces/lbbench');
  });
});
