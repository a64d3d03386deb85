import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeKubeTarget, isMissingKubeConfig } from '../../../../src/backends/kube/kube-api.js';
import { ClusterError, UsageError } from '../../../../src/errors.js';
import { createKubeBackend, selectKubeContext } from '../../../../src/backends/kube/kube-backend.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import { SILENT_PROGRESS } from '../../../../src/progress.js';
import { makeFakeWorkloadFactory } from '../kind/fake-runner.js';
import { makeKubeConfig, makeScenario } from './fixtures.js';

const repoRoot = getPackageRoot();
const kubeScenario = (proxy: Partial<ReturnType<typeof makeScenario>['proxy']> = {}, kube = {}) =>
  makeScenario({
    backend: 'kube',
    proxy: { ...makeScenario().proxy, ...proxy },
    kube: { ...makeScenario().kube, ...kube },
  });

describe('a missing kubeconfig', () => {
  it('is named plainly in the dry run and refused by up(), instead of a made-up loaded-context at localhost:8080', async () => {
    const fallback = new KubeConfig();
    fallback.loadFromClusterAndUser(
      { name: 'cluster', server: 'http://localhost:8080', skipTLSVerify: false },
      { name: 'user' },
    );
    expect(isMissingKubeConfig(fallback)).toBe(true);
    expect(describeKubeTarget(fallback)).toContain('no kubeconfig found');
    expect(describeKubeTarget(fallback)).not.toContain('loaded-context');
    const backend = createKubeBackend(kubeScenario({ image: 'r/p:1' }), {
      kubeConfig: fallback,
      progress: SILENT_PROGRESS,
      repoRoot,
    });
    await expect(backend.up(new AbortController().signal)).rejects.toThrow(/no kubeconfig found/);
    expect(isMissingKubeConfig(makeKubeConfig('http://127.0.0.1:1'))).toBe(false);
  });
});

describe('createKubeBackend', () => {
  it('requires proxy.image for the bundled proxy, as a usage error that says how to get one', () => {
    const create = () =>
      createKubeBackend(kubeScenario(), {
        kubeConfig: makeKubeConfig('http://127.0.0.1:1'),
        progress: SILENT_PROGRESS,
        repoRoot,
      });
    expect(create).toThrow(UsageError);
    expect(create).toThrow(
      /--backend kube needs the image of the bundled proxy: pass --proxy-image REGISTRY/,
    );
    expect(create).toThrow(/lbbench-proxy:TAG proxy`/);
    expect(create).not.toThrow(/scenarios\/k8s-test\.yaml/);
    try {
      create();
    } catch (error) {
      expect(error instanceof UsageError && error.category).toBe('usage');
    }
  });

  it('runs the real Envoy without proxy.image (the cluster pulls the pinned image)', () => {
    const backend = createKubeBackend(kubeScenario({ kind: 'envoy' }), {
      kubeConfig: makeKubeConfig('http://127.0.0.1:1'),
      progress: SILENT_PROGRESS,
      repoRoot,
    });
    expect(backend.kind).toBe('kube');
  });

  it('rejects an unknown kube.context, listing the known ones', () => {
    const create = () =>
      createKubeBackend(kubeScenario({ image: 'r/p:1' }, { context: 'prod' }), {
        kubeConfig: makeKubeConfig('http://127.0.0.1:1', 'staging'),
        progress: SILENT_PROGRESS,
        repoRoot,
      });
    expect(create).toThrow(UsageError);
    expect(create).toThrow('kube.context: no context "prod" in the kubeconfig; known contexts: staging');
  });

  it('slow is not supported and says why and what to do', async () => {
    const backend = createKubeBackend(kubeScenario({ image: 'r/p:1' }), {
      kubeConfig: makeKubeConfig('http://127.0.0.1:1'),
      progress: SILENT_PROGRESS,
      repoRoot,
    });
    const slowed = backend.slow('myapp-1', 100, new AbortController().signal);
    await expect(slowed).rejects.toBeInstanceOf(ClusterError);
    await expect(slowed).rejects.toThrow(/nginx:1\.10 cannot delay responses.*--backend local/);
  });

  it('a failed up cleans up, and a cleanup that fails too does not hide the failure of up', async () => {
    const log: string[] = [];
    const failure = new ClusterError('Timed out after 300 s waiting for Deployment lbbench/myapp');
    const teardown = new ClusterError('could not close the port-forwards');
    const backend = createKubeBackend(kubeScenario({ image: 'r/p:1' }), {
      kubeConfig: makeKubeConfig('http://127.0.0.1:1'),
      progress: SILENT_PROGRESS,
      repoRoot,
      kubeClientFactory: makeFakeWorkloadFactory(log, { failUp: failure, failDown: teardown }).factory,
    });
    await expect(backend.up(new AbortController().signal)).rejects.toBe(failure);
    expect(log).toEqual(['workload.up fake', 'workload.down deleteObjects=true']);
    await expect(backend.down()).rejects.toBe(teardown);
    expect(log).toHaveLength(2);
  });

  it('down before up touches nothing and can be repeated', async () => {
    const backend = createKubeBackend(kubeScenario({ image: 'r/p:1' }), {
      kubeConfig: makeKubeConfig('http://127.0.0.1:1'),
      progress: SILENT_PROGRESS,
      repoRoot,
    });
    await backend.down();
    await backend.down();
    await expect(
      backend.deployProxy({ policy: 'RANDOM', seed: 1 }, new AbortController().signal),
    ).rejects.toThrow(/not up/);
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
