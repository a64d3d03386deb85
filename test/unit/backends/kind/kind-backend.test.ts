import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  AbortedError,
  ClusterError,
  CommandError,
  ToolMissingError,
  UsageError,
} from '../../../../src/errors.js';
import { INSTALL_HINTS } from '../../../../src/backends/exec.js';
import {
  createKindBackend,
  KindCluster,
  type KindBackendOptions,
} from '../../../../src/backends/kind/kind-backend.js';
import { formatPlan } from '../../../../src/backends/kube/plan.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import type { Scenario } from '../../../../src/scenario/types.js';
import { CLUSTER_IP_ROW } from '../../../../src/scenario/cluster-ip-row.js';
import { makeRecordingProgress, makeScenario, makeTempRepo, TEST_ENVOY_TEMPLATE } from '../kube/fixtures.js';
import { makeFakeRunner, type Canned } from './fake-runner.js';

let repo: Awaited<ReturnType<typeof makeTempRepo>>;
beforeAll(async () => {
  repo = await makeTempRepo(getPackageRoot(), { envoyTemplate: TEST_ENVOY_TEMPLATE });
});
afterAll(async () => {
  await repo.remove();
});

function setup(
  scenario: Scenario,
  options: { keep?: boolean; respond?: (line: string) => Canned | undefined } = {},
) {
  const log: string[] = [];
  const { runner, calls } = makeFakeRunner(log, options.respond);
  const progress = makeRecordingProgress();
  const backendOptions: KindBackendOptions = {
    runner,
    progress,
    keep: options.keep ?? false,
    repoRoot: repo.root,
    timeouts: { rolloutMs: 1_000, clustersMs: 1_000, pollIntervalMs: 10 },
  };
  return { cluster: new KindCluster(scenario, backendOptions), backendOptions, log, calls, progress };
}

const signal = () => new AbortController().signal;
const withKind = (kind: Partial<Scenario['kind']>, proxy: Partial<Scenario['proxy']> = {}) =>
  makeScenario({ kind: { ...makeScenario().kind, ...kind }, proxy: { ...makeScenario().proxy, ...proxy } });

const FRESH_OPEN = [
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

describe('kind cluster command sequence', () => {
  it('checks, builds both images BEFORE creating the cluster, creates with a private kubeconfig, loads, deletes', async () => {
    const { cluster, log, calls } = setup(withKind({ workers: 3 }));
    const kubeConfig = await cluster.open(signal());
    expect(kubeConfig.getCurrentContext()).toBe('kind-lbbench');
    expect(cluster.deletesObjects()).toBe(false);
    await cluster.close();
    expect(log).toEqual([...FRESH_OPEN, 'kind delete cluster --name lbbench --kubeconfig <kubeconfig>']);
    expect(calls.filter((c) => c.line.startsWith('docker build')).map((c) => c.cwd)).toEqual([
      repo.root,
      repo.root,
    ]);
    const create = calls.find((c) => c.line.startsWith('kind create'));
    const config = parse(create?.config ?? '') as { name: string; nodes: { role: string }[] };
    expect(config.name).toBe('lbbench');
    expect(config.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker', 'worker']);
    expect(existsSync(create?.configPath ?? '')).toBe(false);
  });

  it("the kubeconfig of create and delete is the same private file, never the user's", async () => {
    const { cluster, calls } = setup(makeScenario());
    await cluster.open(signal());
    const privatePath = calls
      .find((c) => c.line.startsWith('kind create'))
      ?.configPath?.replace(/kind-config\.yaml$/, 'kubeconfig');
    expect(existsSync(privatePath ?? '')).toBe(true);
    await cluster.close();
    expect(existsSync(privatePath ?? '')).toBe(false);
  });

  it('close is idempotent, and before open touches nothing', async () => {
    const { cluster, log } = setup(makeScenario());
    await cluster.close();
    expect(log).toEqual([]);
    const other = setup(makeScenario());
    await other.cluster.open(signal());
    await other.cluster.close();
    await other.cluster.close();
    expect(other.log.filter((line) => line.startsWith('kind delete'))).toHaveLength(1);
  });

  it('passes --image for kind.nodeImage', async () => {
    const { cluster, log } = setup(withKind({ nodeImage: 'kindest/node:v1.33.1' }));
    await cluster.open(signal());
    expect(log).toContain(
      'kind create cluster --name lbbench --config <config> --kubeconfig <kubeconfig> --image kindest/node:v1.33.1',
    );
  });

  it('reuses an existing cluster with kind.reuse, never deletes it, and has its objects deleted', async () => {
    const { cluster, log, progress } = setup(withKind({ reuse: true }), {
      respond: (line) => (line === 'kind get clusters' ? { stdout: 'other\nlbbench\n' } : undefined),
    });
    await cluster.open(signal());
    await cluster.close();
    expect(log.some((line) => /^kind (create|delete)/.test(line))).toBe(false);
    expect(cluster.deletesObjects()).toBe(true);
    expect(progress.lines).toContain('step: Reusing kind cluster lbbench');
  });

  it('refuses an existing cluster without kind.reuse and leaves it alone', async () => {
    const { cluster, log } = setup(makeScenario(), {
      respond: (line) => (line === 'kind get clusters' ? { stdout: 'lbbench\n' } : undefined),
    });
    await expect(cluster.open(signal())).rejects.toThrow(/already exists\. Set kind\.reuse: true/);
    await cluster.close();
    expect(log.some((line) => /^(kind (create|delete)|docker build)/.test(line))).toBe(false);
  });

  it('--keep leaves the cluster and prints the command that reaches it', async () => {
    const { cluster, log, progress } = setup(makeScenario(), { keep: true });
    await cluster.open(signal());
    await cluster.close();
    expect(log.some((line) => line.startsWith('kind delete'))).toBe(false);
    const kept = progress.lines.find((line) => line.includes('Kept kind cluster lbbench'));
    const path = /export KUBECONFIG=(\S+)/.exec(kept ?? '')?.[1];
    expect(path).toMatch(/lbbench-kind-.*\/kubeconfig$/);
    expect(existsSync(path ?? '')).toBe(true);
  });
});

describe('kind cluster failures', () => {
  it('a failed kind create never deletes a cluster: it was not ours', async () => {
    const { cluster, log } = setup(makeScenario(), {
      respond: (line) =>
        line.startsWith('kind create') ? { exitCode: 1, stderr: 'ERROR: failed to create\n' } : undefined,
    });
    await expect(cluster.open(signal())).rejects.toBeInstanceOf(CommandError);
    await cluster.close();
    expect(log.some((line) => line.startsWith('kind delete'))).toBe(false);
  });

  it('an interrupted kind create does not mark the cluster as ours either', async () => {
    const { cluster, log } = setup(makeScenario(), {
      respond: (line) =>
        line.startsWith('kind create') ? new AbortedError('interrupted while running kind') : undefined,
    });
    await expect(cluster.open(signal())).rejects.toBeInstanceOf(AbortedError);
    await cluster.close();
    expect(log.at(-1)).toBe('kind create cluster --name lbbench --config <config> --kubeconfig <kubeconfig>');
  });

  it('a failed image build stops before any cluster exists', async () => {
    const { cluster, log } = setup(makeScenario(), {
      respond: (line) =>
        line.startsWith('docker build -t lbbench:dev') ? { exitCode: 1, stderr: 'no space\n' } : undefined,
    });
    await expect(cluster.open(signal())).rejects.toThrow(/docker build -t lbbench:dev.*exited with code 1/s);
    await cluster.close();
    expect(log.some((line) => line.startsWith('kind create') || line.startsWith('kind delete'))).toBe(false);
  });

  it('falls back to docker save + kind load image-archive when kind load docker-image fails (kind #3795)', async () => {
    const { cluster, log, progress } = setup(withKind({}, { image: 'me/proxy:1' }), {
      respond: (line) =>
        line === 'kind load docker-image me/proxy:1 --name lbbench'
          ? { exitCode: 1, stderr: 'ERROR: failed to load image: ctr: content digest not found\n' }
          : undefined,
    });
    await cluster.open(signal());
    expect(log.slice(log.indexOf('docker image inspect --format {{.Id}} me/proxy:1'), -2)).toEqual([
      'docker image inspect --format {{.Id}} me/proxy:1',
      'kind load docker-image me/proxy:1 --name lbbench',
      'docker save -o <archive> me/proxy:1',
      'kind load image-archive <archive> --name lbbench',
    ]);
    expect(
      progress.lines.some((line) => line.startsWith('warn: kind load docker-image me/proxy:1 failed')),
    ).toBe(true);
  });

  it('when both loads fail, a pulled image is left for the nodes to pull', async () => {
    const { cluster, progress } = setup(withKind({}, { image: 'me/proxy:1' }), {
      respond: (line) =>
        line.startsWith('kind load') && line.includes('me/proxy')
          ? { exitCode: 1 }
          : line.startsWith('kind load image-archive')
            ? { exitCode: 1 }
            : undefined,
    });
    await cluster.open(signal());
    expect(progress.lines).toContain(
      'warn: could not load me/proxy:1 into the nodes; they pull it from its registry instead',
    );
  });

  it('when both loads fail for an image lbbench built, it is an error (no registry has it)', async () => {
    const { cluster, log } = setup(makeScenario(), {
      respond: (line) => (line.startsWith('kind load') ? { exitCode: 1 } : undefined),
    });
    await expect(cluster.open(signal())).rejects.toThrow(
      /could not load lbbench-proxy:dev into kind cluster lbbench/,
    );
    await cluster.close();
    expect(log.at(-1)).toBe('kind delete cluster --name lbbench --kubeconfig <kubeconfig>');
  });

  it('missing kind: ToolMissingError (environment) with how to install, nothing else runs', async () => {
    const { cluster, log } = setup(makeScenario(), {
      respond: (line) =>
        line === 'kind version' ? new ToolMissingError('kind', INSTALL_HINTS.kind ?? '') : undefined,
    });
    const open = cluster.open(signal());
    await expect(open).rejects.toBeInstanceOf(ToolMissingError);
    await expect(open).rejects.toThrow(
      /kind not found on PATH\. Install kind \(https:\/\/kind\.sigs\.k8s\.io/,
    );
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
    const { cluster, log } = setup(makeScenario(), {
      respond: (line) => (line.startsWith('docker version') ? { exitCode: 1, stderr } : undefined),
    });
    const open = cluster.open(signal());
    await expect(open).rejects.toBeInstanceOf(ClusterError);
    await expect(open).rejects.toThrow(message);
    expect(log).toEqual(['kind version', 'docker version --format {{.Server.Version}}']);
  });

  it.each([
    ['proxy/Dockerfile', { dockerfile: false }],
    ['package.json', { lbbenchInputs: false }],
  ])('preflight: a missing build input (%s) is named before anything runs', async (file, files) => {
    const bare = await makeTempRepo(getPackageRoot(), files);
    try {
      const log: string[] = [];
      const cluster = new KindCluster(makeScenario(), {
        runner: makeFakeRunner(log).runner,
        progress: makeRecordingProgress(),
        keep: false,
        repoRoot: bare.root,
      });
      await expect(cluster.open(signal())).rejects.toThrow(`${file} not found`);
      expect(log).toEqual([]);
    } finally {
      await bare.remove();
    }
  });
});

describe('kind backend', () => {
  it('a run that fails halfway (API unreachable) deletes the cluster it created, and rethrows the failure', async () => {
    const { backendOptions, log } = setup(makeScenario());
    const backend = createKindBackend(makeScenario(), backendOptions);
    await expect(backend.up(signal())).rejects.toThrow(/reading the Kubernetes version/);
    expect(log.at(-1)).toBe('kind delete cluster --name lbbench --kubeconfig <kubeconfig>');
    await backend.down();
    expect(log.filter((line) => line.startsWith('kind delete'))).toHaveLength(1);
  });

  it('refuses proxy.command before running anything (exit 2, naming field and backend)', () => {
    const { backendOptions, log } = setup(makeScenario());
    const scenario = withKind({}, { command: ['envoy'] });
    expect(() => createKindBackend(scenario, backendOptions)).toThrow(UsageError);
    expect(() => createKindBackend(scenario, backendOptions)).toThrow(
      /proxy\.command \(envoy\) cannot be honoured on the kind backend/,
    );
    expect(log).toEqual([]);
  });
});

describe('kind backend plan (dry run)', () => {
  it('lists every command and manifest without running anything', async () => {
    const { backendOptions, log } = setup(withKind({ workers: 1 }));
    const backend = createKindBackend(withKind({ workers: 1 }), backendOptions);
    const steps = await backend.plan();
    expect(log).toEqual([]);
    const commands = steps.flatMap((s) => (s.kind === 'command' ? [[s.file, ...s.args].join(' ')] : []));
    expect(commands).toEqual([
      'kind version',
      'docker version --format {{.Server.Version}}',
      'kind get clusters',
      'docker build -t lbbench-proxy:dev -f proxy/Dockerfile proxy',
      'docker build -t lbbench:dev -f cluster/lbbench-image/Dockerfile .',
      'kind create cluster --name lbbench --config <temp dir>/kind-config.yaml --kubeconfig <temp dir>/kubeconfig',
      'kind load docker-image lbbench-proxy:dev --name lbbench',
      'docker save -o <temp dir>/image.tar lbbench-proxy:dev',
      'kind load image-archive <temp dir>/image.tar --name lbbench',
      'kind load docker-image lbbench:dev --name lbbench',
      'docker save -o <temp dir>/image.tar lbbench:dev',
      'kind load image-archive <temp dir>/image.tar --name lbbench',
      'kind get kubeconfig --name lbbench',
      'kind delete cluster --name lbbench --kubeconfig <temp dir>/kubeconfig',
    ]);
    const text = formatPlan(steps);
    expect(text).toContain(
      `   $ (cd ${repo.root} && docker build -t lbbench-proxy:dev -f proxy/Dockerfile proxy)`,
    );
    expect(text).toContain('     add_header X-Upstream-Pod $hostname always;');
    expect(text).toContain('Run 2: LEAST_REQUEST, seed 2.');
    expect(text).toContain('args `--concurrency 2 --seed 2`');
  });

  it('shows the ClusterIP Service and the HAProxy and nginx Deployments of their rows', async () => {
    const scenario = makeScenario({
      policies: [
        CLUSTER_IP_ROW,
        { name: 'haproxy:random', proxy: 'haproxy', policy: 'random' },
        { name: 'nginx:random_two', proxy: 'nginx', policy: 'random_two' },
      ],
    });
    const { backendOptions } = setup(scenario);
    const text = formatPlan(await createKindBackend(scenario, backendOptions).plan());
    expect(text).toContain('Apply Service lbbench/myapp-clusterip (ClusterIP');
    expect(text).toContain('Apply Deployment lbbench/myapp-haproxy (haproxy:random, image haproxy:2.6.12)');
    expect(text).toContain(
      'Apply Deployment lbbench/myapp-nginx-proxy (nginx:random_two, image nginx:1.22.1)',
    );
    expect(text).toContain('balance random(2)');
    expect(text).toContain('random two least_conn;');
  });

  it('with --keep plans no deletion and the export instead', async () => {
    const { backendOptions } = setup(makeScenario(), { keep: true });
    const steps = await createKindBackend(makeScenario(), backendOptions).plan();
    expect(steps.some((s) => s.kind === 'command' && s.args.includes('delete'))).toBe(false);
    expect(formatPlan(steps)).toContain('export KUBECONFIG=<temp dir>/kubeconfig');
  });
});
