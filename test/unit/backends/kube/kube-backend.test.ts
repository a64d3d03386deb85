import { KubeConfig } from '@kubernetes/client-node';
import { CLUSTER_IP_ROW } from '../../../../src/scenario/cluster-ip-row.js';
import { describe, expect, it } from 'vitest';
import { describeKubeTarget, isMissingKubeConfig } from '../../../../src/backends/kube/kube-api.js';
import { UsageError } from '../../../../src/errors.js';
import { createKubeBackend } from '../../../../src/backends/kube/existing-cluster.js';
import { selectKubeContext } from '../../../../src/backends/kube/kube-context.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import { SILENT_PROGRESS } from '../../../../src/progress.js';
import type { Scenario } from '../../../../src/scenario/types.js';
import { makeKubeConfig, makeScenario } from './fixtures.js';
import { envoyRow } from '../../../../src/scenario/envoy-row.js';

const repoRoot = getPackageRoot();
const kubeScenario = (overrides: Partial<Scenario> = {}) => {
  const base = makeScenario();
  return makeScenario({
    backend: 'kube',
    ...overrides,
    proxy: { ...base.proxy, image: 'r/p:1', ...overrides.proxy },
    kube: { ...base.kube, image: 'r/lbbench:1', ...overrides.kube },
  });
};
const create = (scenario: Scenario, context = 'fake') =>
  createKubeBackend(scenario, {
    kubeConfig: makeKubeConfig('http://127.0.0.1:1', context),
    progress: SILENT_PROGRESS,
    repoRoot,
    keep: false,
  });

describe('createKubeBackend', () => {
  it('requires proxy.image for the bundled proxy, as a usage error that says how to get one', () => {
    const scenario = kubeScenario({ proxy: { ...makeScenario().proxy, image: undefined } });
    expect(() => create(scenario)).toThrow(UsageError);
    expect(() => create(scenario)).toThrow(
      /--backend kube needs the image of the bundled proxy: pass --proxy-image REGISTRY.*--backend kind/,
    );
    expect(() => create(scenario)).not.toThrow(/scenarios\/k8s-test\.yaml/);
  });

  it('needs no proxy image when no row runs the Envoy-style proxy', async () => {
    const scenario = kubeScenario({
      proxy: { ...makeScenario().proxy, image: undefined },
      policies: [CLUSTER_IP_ROW, { name: 'nginx:least_conn', proxy: 'nginx', policy: 'least_conn' }],
    });
    const steps = await create(scenario).plan();
    expect(steps.some((step) => step.title.startsWith('Apply Deployment lbbench/myapp-nginx-proxy'))).toBe(
      true,
    );
  });

  it('names a missing kubeconfig plainly in the dry run and refuses it in up(), instead of a made-up loaded-context at localhost:8080', async () => {
    const fallback = new KubeConfig();
    fallback.loadFromClusterAndUser(
      { name: 'cluster', server: 'http://localhost:8080', skipTLSVerify: false },
      { name: 'user' },
    );
    expect(isMissingKubeConfig(fallback)).toBe(true);
    expect(describeKubeTarget(fallback)).toContain('no kubeconfig found');
    expect(describeKubeTarget(fallback)).not.toContain('loaded-context');
    const backend = createKubeBackend(kubeScenario(), {
      kubeConfig: fallback,
      progress: SILENT_PROGRESS,
      repoRoot,
      keep: false,
    });
    await expect(backend.up(new AbortController().signal)).rejects.toThrow(/no kubeconfig found/);
    expect(isMissingKubeConfig(makeKubeConfig('http://127.0.0.1:1'))).toBe(false);
  });

  it('runs the real Envoy without proxy.image (the cluster pulls the pinned image)', () => {
    const backend = create(
      kubeScenario({ proxy: { ...makeScenario().proxy, kind: 'envoy', image: undefined } }),
    );
    expect(backend.kind).toBe('kube');
    expect(backend.environment().details.proxyUnmatched).toMatch(/seed: Envoy takes none/);
  });

  it('rejects an unknown kube.context, listing the known ones', () => {
    const scenario = kubeScenario({ kube: { ...kubeScenario().kube, context: 'prod' } });
    expect(() => create(scenario, 'staging')).toThrow(
      'kube.context: no context "prod" in the kubeconfig; known contexts: staging',
    );
  });

  it('down before up touches nothing and can be repeated; nothing works after it', async () => {
    const backend = create(kubeScenario());
    await backend.down();
    await backend.down();
    await expect(
      backend.deployProxy({ row: envoyRow('RANDOM'), seed: 1 }, new AbortController().signal),
    ).rejects.toThrow(/not up/);
    await expect(backend.reset(new AbortController().signal)).rejects.toThrow(/not up/);
  });
});

describe('fields the kind and kube backends cannot honour exit 2 before any cluster is touched', () => {
  const base = makeScenario();
  it.each<[string, Partial<Scenario>, RegExp]>([
    [
      'proxy.command',
      { proxy: { ...base.proxy, command: ['my-envoy', '-l', 'debug'] } },
      /proxy\.command \(my-envoy -l debug\) cannot be honoured on the kube backend: it runs a local program/,
    ],
    [
      'upstream.server nginx with pod delays',
      { upstream: { server: 'nginx', delayMs: 0, pods: [{ index: 0, delayMs: 50 }] } },
      /upstream\.server \(nginx\) cannot be honoured on the kube backend: nginx:1\.10 cannot delay/,
    ],
    [
      'upstream.server nginx with a slow event',
      {
        upstream: { server: 'nginx', delayMs: 0, pods: [] },
        events: [{ atMs: 100, action: 'slow', pod: 1, delayMs: 20 }],
      },
      /upstream\.server \(nginx\)/,
    ],
    [
      'kube.image missing',
      { kube: { ...base.kube, image: undefined } },
      /kube\.image \(not set\) cannot be honoured on the kube backend: the load generators run in the cluster/,
    ],
  ])('%s', (_what, overrides, message) => {
    const scenario = makeScenario({ ...kubeScenario(), ...overrides });
    expect(() => create(scenario)).toThrow(UsageError);
    expect(() => create(scenario)).toThrow(message);
  });
});

describe('selectKubeContext', () => {
  it('returns a copy on the chosen context and leaves the input alone', () => {
    const kubeConfig = makeKubeConfig('http://127.0.0.1:1', 'a');
    kubeConfig.addContext({ name: 'b', cluster: 'fake', user: 'fake' });
    const selected = selectKubeContext(kubeConfig, 'b');
    expect(selected.getCurrentContext()).toBe('b');
    expect(kubeConfig.getCurrentContext()).toBe('a');
    expect(selectKubeContext(kubeConfig, undefined).getCurrentContext()).toBe('a');
  });

  it('explains an empty kubeconfig', () => {
    const empty = makeKubeConfig('http://127.0.0.1:1');
    empty.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
    expect(() => selectKubeContext(empty, undefined)).toThrow(
      /no current context.*kubectl config use-context/,
    );
  });
});
