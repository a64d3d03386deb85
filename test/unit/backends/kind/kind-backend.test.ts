import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AbortedError, ClusterError, CommandError, ToolMissingError } from '../../../../src/errors.js';
import { INSTALL_HINTS } from '../../../../src/backends/exec.js';
import { createKindBackend, type KindBackendOptions } from '../../../../src/backends/kind/kind-backend.js';
import { formatPlan } from '../../../../src/backends/kube/plan.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import type { Scenario } from '../../../../src/scenario/types.js';
import { makeRecordingProgress, makeScenario, makeTempRepo, TEST_ENVOY_TEMPLATE } from '../kube/fixtures.js';
import { makeFakeRunner, makeFakeWorkloadFactory, type Canned } from './fake-runner.js';

let repo: Awaited<ReturnType<typeof makeTempRepo>>;
beforeAll(async () => {
  repo = await makeTempRepo(getPackageRoot(), { envoyTemplate: TEST_ENVOY_TEMPLATE });
});
afterAll(async () => {
  await repo.remove();
});

function setup(
  scenario: Scenario,
  options: {
    keep?: boolean;
    respond?: (line: string) => Canned | undefined;
    failUp?: Error;
    failDown?: Error;
  } = {},
) {
  const log: string[] = [];
  const { runner, calls } = makeFakeRunner(log, options.respond);
  const { factory, created } = makeFakeWorkloadFactory(log, {
    ...(options.failUp === undefined ? {} : { failUp: options.failUp }),
    ...(options.failDown === undefined ? {} : { failDown: options.failDown }),
  });
  const progress = makeRecordingProgress();
  const backendOptions: KindBackendOptions = {
    runner,
    progress,
    keep: options.keep ?? false,
    repoRoot: repo.root,
    kubeClientFactory: factory,
  };
  return { backend: createKindBackend(scenario, backendOptions), log, calls, created, progress };
}

const signal = () => new AbortController().signal;
const withKind = (kind: Partial<Scenario['kind']>, proxy: Partial<Scenario['proxy']> = {}) =>
  makeScenario({ kind: { ...makeScenario().kind, ...kind }, proxy: { ...makeScenario().proxy, ...proxy } });

const FRESH_UP = [
  'kind version',
  'docker version --format {{.Server.Version}}',
  'kind get clusters',
  'kind create cluster --name lbbench --config <config>',
  'docker build -t lbbench-proxy:dev -f proxy/Dockerfile proxy',
  'kind load docker-image lbbench-proxy:dev --name lbbench',
  'kind get kubeconfig --name lbbench',
  'workload.up kind-lbbench',
];

describe('kind backend command sequence', () => {
  it('create → build → load → kubeconfig → workload … → delete', async () => {
    const { backend, log, calls } = setup(withKind({ workers: 3 }));
    await backend.up(signal());
    await backend.deployProxy({ policy: 'ROUND_ROBIN', seed: 1 }, signal());
    await backend.removeProxy();
    await backend.down();
    expect(log).toEqual([
      ...FRESH_UP,
      'workload.deployProxy ROUND_ROBIN',
      'workload.removeProxy',
      'workload.down deleteObjects=false',
      'kind delete cluster --name lbbench',
    ]);
    expect(calls.find((c) => c.line.startsWith('docker build'))?.cwd).toBe(repo.root);
    const create = calls.find((c) => c.line.startsWith('kind create'));
    const config = parse(create?.config ?? '') as { name: string; nodes: { role: string }[] };
    expect(config.name).toBe('lbbench');
    expect(config.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker', 'worker']);
    expect(existsSync(create?.configPath ?? '')).toBe(false);
  });

  it('down is idempotent: a second call deletes nothing more', async () => {
    const { backend, log } = setup(makeScenario());
    await backend.up(signal());
    await backend.down();
    await backend.down();
    expect(log.filter((line) => line.startsWith('kind delete'))).toHaveLength(1);
  });

  it('down() before up() touches nothing, and a later down() still deletes the cluster', async () => {
    const { backend, log } = setup(makeScenario());
    await backend.down();
    expect(log).toEqual([]);
    await backend.up(signal());
    await backend.down();
    expect(log.at(-1)).toBe('kind delete cluster --name lbbench');
  });

  it('passes --image for kind.nodeImage', async () => {
    const { backend, log } = setup(withKind({ nodeImage: 'kindest/node:v1.33.1' }));
    await backend.up(signal());
    expect(log).toContain(
      'kind create cluster --name lbbench --config <config> --image kindest/node:v1.33.1',
    );
  });

  it('reuses an existing cluster with kind.reuse, never deletes it, and deletes its own objects', async () => {
    const { backend, log, progress } = setup(withKind({ reuse: true }), {
      respond: (line) => (line === 'kind get clusters' ? { stdout: 'other\nlbbench\n' } : undefined),
    });
    await backend.up(signal());
    await backend.down();
    expect(log.some((line) => line.startsWith('kind create'))).toBe(false);
    expect(log.some((line) => line.startsWith('kind delete'))).toBe(false);
    expect(log.at(-1)).toBe('workload.down deleteObjects=true');
    expect(progress.lines).toContain('step: Reusing kind cluster lbbench');
    expect(backend.environment().details.clusterReused).toBe('true');
  });

  it('refuses an existing cluster without kind.reuse and leaves it alone', async () => {
    const { backend, log, created } = setup(makeScenario(), {
      respond: (line) => (line === 'kind get clusters' ? { stdout: 'lbbench\n' } : undefined),
    });
    await expect(backend.up(signal())).rejects.toThrow(/already exists\. Set kind\.reuse: true/);
    expect(log.some((line) => /^kind (create|delete)/.test(line))).toBe(false);
    expect(created).toHaveLength(0);
  });

  it('--keep leaves the cluster and its objects', async () => {
    const { backend, log } = setup(makeScenario(), { keep: true });
    await backend.up(signal());
    await backend.down();
    expect(log.at(-1)).toBe('workload.down deleteObjects=false');
    expect(log.some((line) => line.startsWith('kind delete'))).toBe(false);
  });
});

describe('kind backend failures', () => {
  it('deletes the cluster when the run fails halfway, and rethrows the failure', async () => {
    const failure = new ClusterError('Timed out after 300 s waiting for Deployment lbbench/myapp');
    const { backend, log } = setup(makeScenario(), { failUp: failure });
    await expect(backend.up(signal())).rejects.toBe(failure);
    expect(log.slice(-2)).toEqual([
      'workload.down deleteObjects=false',
      'kind delete cluster --name lbbench',
    ]);
  });

  it('a teardown that fails too neither hides the failure of up nor keeps the cluster', async () => {
    const failure = new ClusterError('Timed out after 300 s waiting for Deployment lbbench/myapp');
    const teardown = new ClusterError('could not close the port-forwards');
    const { backend, log } = setup(makeScenario(), { failUp: failure, failDown: teardown });
    await expect(backend.up(signal())).rejects.toBe(failure);
    expect(log.at(-1)).toBe('kind delete cluster --name lbbench');
    await expect(backend.down()).rejects.toBe(teardown);
    expect(log.filter((line) => line.startsWith('kind delete'))).toHaveLength(1);
  });

  it('keeps the cluster of a failed run with --keep', async () => {
    const { backend, log } = setup(makeScenario(), { keep: true, failUp: new ClusterError('x') });
    await expect(backend.up(signal())).rejects.toThrow('x');
    expect(log.some((line) => line.startsWith('kind delete'))).toBe(false);
  });

  it('deletes a half-created cluster when interrupted during kind create', async () => {
    const { backend, log } = setup(makeScenario(), {
      respond: (line) =>
        line.startsWith('kind create') ? new AbortedError('interrupted while running kind') : undefined,
    });
    await expect(backend.up(signal())).rejects.toBeInstanceOf(AbortedError);
    expect(log.at(-1)).toBe('kind delete cluster --name lbbench');
  });

  it('a failed kind load deletes the cluster it created', async () => {
    const { backend, log } = setup(makeScenario(), {
      respond: (line) =>
        line.startsWith('kind load') ? { exitCode: 1, stderr: 'ERROR: image not found\n' } : undefined,
    });
    const up = backend.up(signal());
    await expect(up).rejects.toBeInstanceOf(CommandError);
    await expect(up).rejects.toThrow(
      /kind load docker-image lbbench-proxy:dev --name lbbench` exited with code 1\nERROR: image not found/,
    );
    expect(log.at(-1)).toBe('kind delete cluster --name lbbench');
  });

  it('missing kind: ToolMissingError (environment) with how to install, nothing else runs', async () => {
    const { backend, log } = setup(makeScenario(), {
      respond: (line) =>
        line === 'kind version' ? new ToolMissingError('kind', INSTALL_HINTS.kind ?? '') : undefined,
    });
    const up = backend.up(signal());
    await expect(up).rejects.toBeInstanceOf(ToolMissingError);
    await expect(up).rejects.toThrow(/kind not found on PATH\. Install kind \(https:\/\/kind\.sigs\.k8s\.io/);
    await up.catch((error: unknown) => {
      expect(error instanceof ToolMissingError && error.category).toBe('environment');
    });
    expect(log).toEqual(['kind version']);
  });

  it.each([
    [
      'engine not running',
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
      /engine is not reachable.*Cannot connect to the Docker daemon.*Start Docker/s,
    ],
    [
      'socket not permitted',
      'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock\n',
      /add it to the docker group/,
    ],
  ])('Docker %s: ClusterError saying what to do, before any cluster work', async (_what, stderr, message) => {
    const { backend, log } = setup(makeScenario(), {
      respond: (line) => (line.startsWith('docker version') ? { exitCode: 1, stderr } : undefined),
    });
    const up = backend.up(signal());
    await expect(up).rejects.toBeInstanceOf(ClusterError);
    await expect(up).rejects.toThrow(message);
    await up.catch((error: unknown) => {
      expect(error instanceof ClusterError && error.cause).toBeInstanceOf(CommandError);
    });
    expect(log).toEqual(['kind version', 'docker version --format {{.Server.Version}}']);
  });

  it('needs proxy/Dockerfile to build the image, and says so before running anything', async () => {
    const bare = await makeTempRepo(getPackageRoot(), { dockerfile: false });
    try {
      const log: string[] = [];
      const backend = createKindBackend(makeScenario(), {
        runner: makeFakeRunner(log).runner,
        progress: makeRecordingProgress(),
        keep: false,
        repoRoot: bare.root,
        kubeClientFactory: makeFakeWorkloadFactory(log).factory,
      });
      await expect(backend.up(signal())).rejects.toThrow(/proxy\/Dockerfile not found/);
      expect(log).toEqual([]);
    } finally {
      await bare.remove();
    }
  });

  it('slow events are refused with a ClusterError', async () => {
    const { backend } = setup(makeScenario());
    await expect(backend.slow('myapp-1', 50, signal())).rejects.toBeInstanceOf(ClusterError);
  });
});

describe('kind backend proxy image', () => {
  it.each([
    [
      'a local proxy.image is loaded',
      { image: 'me/proxy:1' },
      'me/proxy:1',
      true,
      [
        'docker image inspect --format {{.Id}} me/proxy:1',
        'kind load docker-image me/proxy:1 --name lbbench',
      ],
    ],
    [
      'a registry proxy.image is left to the nodes',
      { image: 'me/proxy:1' },
      'me/proxy:1',
      false,
      ['docker image inspect --format {{.Id}} me/proxy:1'],
    ],
    [
      'the real Envoy is pulled by the nodes',
      { kind: 'envoy' as const },
      'envoyproxy/envoy:v1.34.1',
      false,
      [],
    ],
  ])('%s', async (_what, proxy, image, isLocal, imageSteps) => {
    const { backend, log, created } = setup(withKind({}, proxy), {
      respond: (line) =>
        line.startsWith('docker image inspect') && !isLocal
          ? { exitCode: 1, stderr: 'Error: No such image\n' }
          : undefined,
    });
    await backend.up(signal());
    const between = log.slice(
      log.indexOf('kind create cluster --name lbbench --config <config>') + 1,
      log.indexOf('kind get kubeconfig --name lbbench'),
    );
    expect(between).toEqual(imageSteps);
    expect(created[0]?.config.proxy.image).toBe(image);
  });
});

describe('kind backend plan (dry run)', () => {
  it('lists every command and manifest without running anything', async () => {
    const { backend, log, created } = setup(withKind({ workers: 1 }));
    const steps = await backend.plan();
    expect(log).toEqual([]);
    expect(created).toEqual([]);
    const commands = steps.flatMap((s) => (s.kind === 'command' ? [[s.file, ...s.args].join(' ')] : []));
    expect(commands).toEqual([
      'kind version',
      'docker version --format {{.Server.Version}}',
      'kind get clusters',
      'kind create cluster --name lbbench --config <temp dir>/kind-config.yaml',
      'docker build -t lbbench-proxy:dev -f proxy/Dockerfile proxy',
      'kind load docker-image lbbench-proxy:dev --name lbbench',
      'kind get kubeconfig --name lbbench',
      'kind delete cluster --name lbbench',
    ]);
    const text = formatPlan(steps);
    expect(text).toContain(`   $ kind create cluster --name lbbench --config '<temp dir>/kind-config.yaml'`);
    expect(text).toContain(
      `   $ (cd ${repo.root} && docker build -t lbbench-proxy:dev -f proxy/Dockerfile proxy)`,
    );
    expect(text).toContain('     add_header X-Upstream-Pod $hostname always;');
    expect(text).toContain('Patch Deployment lbbench/myapp-envoy to LEAST_REQUEST (JSON Patch)');
  });

  it('with --keep plans no deletion', async () => {
    const { backend } = setup(makeScenario(), { keep: true });
    const steps = await backend.plan();
    expect(steps.some((s) => s.kind === 'command' && s.args.includes('delete'))).toBe(false);
  });
});
