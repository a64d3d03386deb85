import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatPlan, quoteShellArg, toPlanYaml, type PlanStep } from '../../../../src/backends/kube/plan.js';
import { createKubeBackend } from '../../../../src/backends/kube/existing-cluster.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import { SILENT_PROGRESS } from '../../../../src/progress.js';
import { makeKubeConfig, makeScenario } from './fixtures.js';
import { CLUSTER_IP_ROW } from '../../../../src/scenario/cluster-ip-row.js';
import { envoyRow } from '../../../../src/scenario/envoy-row.js';

describe('quoteShellArg', () => {
  it.each([
    ['kind', 'kind'],
    ['--name', '--name'],
    ['proxy/Dockerfile', 'proxy/Dockerfile'],
    ['{{.Server.Version}}', `'{{.Server.Version}}'`],
    ['<temp dir>/kind-config.yaml', `'<temp dir>/kind-config.yaml'`],
    [`it's`, `'it'\\''s'`],
    ['--token=secret', `'--token=***'`],
  ])('%s → %s', (arg, shown) => {
    expect(quoteShellArg(arg)).toBe(shown);
  });
});

describe('formatPlan', () => {
  it('numbers the steps and shows commands as shell lines and manifests as indented YAML', () => {
    const steps: PlanStep[] = [
      {
        kind: 'command',
        title: 'Check docker',
        file: 'docker',
        args: ['version', '--format', '{{.Server.Version}}'],
      },
      { kind: 'command', title: 'Build', file: 'docker', args: ['build', '-t', 'x:dev', '.'], cwd: '/repo' },
      {
        kind: 'manifest',
        title: 'Apply Namespace ns',
        action: 'apply',
        yaml: toPlanYaml({ kind: 'Namespace', metadata: { name: 'ns' } }),
      },
      { kind: 'action', title: 'Wait' },
    ];
    expect(formatPlan(steps)).toBe(
      [
        '1. Check docker',
        `   $ docker version --format '{{.Server.Version}}'`,
        '2. Build',
        '   $ (cd /repo && docker build -t x:dev .)',
        '3. Apply Namespace ns',
        '   --- # apply',
        '   kind: Namespace',
        '   metadata:',
        '     name: ns',
        '4. Wait',
        '',
      ].join('\n'),
    );
  });

  it('renders YAML that parses back to the manifest', () => {
    const manifest = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { 'default.conf': 'server {\n  listen 80;\n}\n' },
    };
    expect(parse(toPlanYaml(manifest))).toEqual(manifest);
  });
});

describe('planKubeRun', () => {
  it('applies the pods, then per run resets them and deploys the proxy with its seed, then deletes', async () => {
    const scenario = makeScenario({
      policies: [envoyRow('ROUND_ROBIN'), envoyRow('RANDOM')],
      repetitions: 2,
      seed: 10,
      upstream: { server: 'auto', delayMs: 0, pods: [{ index: 1, delayMs: 30 }] },
      events: [{ atMs: 500, action: 'scale', replicas: 5 }],
      proxy: { ...makeScenario().proxy, image: 'r/p:1' },
      kube: { ...makeScenario().kube, image: 'r/lbbench:1' },
    });
    const backend = createKubeBackend(scenario, {
      kubeConfig: makeKubeConfig('http://127.0.0.1:1'),
      progress: SILENT_PROGRESS,
      repoRoot: getPackageRoot(),
      keep: false,
    });
    const steps = await backend.plan();
    const manifests = steps.filter((s) => s.kind === 'manifest').map((s) => `${s.action} ${s.title}`);
    const text = formatPlan(steps);
    expect(manifests).toEqual([
      'apply Create Namespace lbbench unless it exists',
      'apply Apply ConfigMap lbbench/myapp-nginx (nginx default.conf)',
      'apply Apply Service lbbench/myapp (headless)',
      'apply Apply Deployment lbbench/myapp (3 × r/lbbench:1)',
      "apply Apply ConfigMap lbbench/myapp-envoy-config (the proxy's config)",
      'apply Apply Service lbbench/myapp-envoy',
      'apply Apply Deployment lbbench/myapp-envoy (ROUND_ROBIN)',
      'apply Create Job lbbench/lbbench-load-<nonce>-1: the measured load, 1 generator pod(s) in the cluster against the proxy Service (http://myapp-envoy.lbbench.svc.cluster.local:80; --start-at: now + lead + warm-up)',
    ]);
    expect(text).toContain('     parallelism: 1');
    expect(text).toContain('- http://myapp-envoy.lbbench.svc.cluster.local:80');
    expect(text).toContain('Port-forward 127.0.0.1:<free> → myapp-envoy pod :9901 (admin only: /clusters)');
    expect(text).toContain('dns_refresh_rate: 5s');
    expect(text).toContain('Run 4: RANDOM, seed 13.');
    expect(text).toContain('args `--concurrency 2 --seed 13`');
    expect(text).toContain('#1 capacity unlimited, latency none, delay 30 ms, errors 0 %');
    expect(steps.filter((s) => s.title.includes('and wait for 5 Ready pods')).length).toBe(4);
    expect(steps.at(-1)?.title).toMatch(/^Delete namespace lbbench if lbbench created it/);
  });

  it('plans the CLUSTER_IP row: the ClusterIP Service in front of the pods, the Job against it, no proxy Deployment', async () => {
    const scenario = makeScenario({
      policies: [CLUSTER_IP_ROW, envoyRow('ROUND_ROBIN')],
      repetitions: 1,
      seed: 10,
      proxy: { ...makeScenario().proxy, image: 'r/p:1' },
      kube: { ...makeScenario().kube, image: 'r/lbbench:1' },
    });
    const backend = createKubeBackend(scenario, {
      kubeConfig: makeKubeConfig('http://127.0.0.1:1'),
      progress: SILENT_PROGRESS,
      repoRoot: getPackageRoot(),
      keep: false,
    });
    const steps = await backend.plan();
    const titles = steps.map((s) => `${s.kind === 'manifest' ? 'apply ' : ''}${s.title}`);
    const clusterIpService = steps.find((s) => s.title.startsWith('Apply Service lbbench/myapp-clusterip'));
    expect(clusterIpService?.kind === 'manifest' ? parse(clusterIpService.yaml) : undefined).toMatchObject({
      kind: 'Service',
      metadata: { name: 'myapp-clusterip', namespace: 'lbbench' },
      spec: { type: 'ClusterIP', selector: { app: 'myapp' }, ports: [{ port: 80, targetPort: 80 }] },
    });
    const run1 = titles.findIndex((t) => t.startsWith('Run 1: CLUSTER_IP'));
    const run2 = titles.findIndex((t) => t.startsWith('Run 2: ROUND_ROBIN'));
    const firstRun = titles.slice(run1, run2);
    expect(firstRun.some((t) => t.includes('myapp-envoy'))).toBe(false);
    expect(firstRun).toContainEqual(
      expect.stringContaining(
        'EndpointSlices of Service lbbench/myapp-clusterip list exactly the Ready myapp pods',
      ),
    );
    expect(firstRun).toContainEqual(
      expect.stringMatching(
        /^apply Create Job .*against the ClusterIP Service \(http:\/\/myapp-clusterip\.lbbench\.svc\.cluster\.local:80;/,
      ),
    );
    // The first Envoy row still shows the proxy's full manifests.
    expect(titles.slice(run2)).toContain('apply Apply Deployment lbbench/myapp-envoy (ROUND_ROBIN)');
  });

  it('plans the HAProxy and nginx rows: their ConfigMap, Service and Deployment of the official image, the Job against them', async () => {
    const scenario = makeScenario({
      policies: [
        CLUSTER_IP_ROW,
        { name: 'haproxy:leastconn', proxy: 'haproxy', policy: 'leastconn' },
        { name: 'nginx:least_conn', proxy: 'nginx', policy: 'least_conn' },
      ],
      repetitions: 2,
      proxy: { ...makeScenario().proxy, image: 'r/p:1' },
      kube: { ...makeScenario().kube, image: 'r/lbbench:1' },
    });
    const backend = createKubeBackend(scenario, {
      kubeConfig: makeKubeConfig('http://127.0.0.1:1'),
      progress: SILENT_PROGRESS,
      repoRoot: getPackageRoot(),
      keep: false,
    });
    const steps = await backend.plan();
    const titles = steps.map((s) => `${s.kind === 'manifest' ? 'apply ' : ''}${s.title}`);
    const manifestOf = (title: string): unknown => {
      const step = steps.find((s) => s.title.startsWith(title));
      return step?.kind === 'manifest' ? parse(step.yaml) : undefined;
    };
    expect(manifestOf('Apply Service lbbench/myapp-clusterip')).toMatchObject({
      spec: { type: 'ClusterIP' },
    });
    expect(manifestOf('Apply Deployment lbbench/myapp-haproxy')).toMatchObject({
      spec: { template: { spec: { containers: [{ image: 'haproxy:2.6.12' }] } } },
    });
    expect(manifestOf('Apply Deployment lbbench/myapp-nginx-proxy')).toMatchObject({
      spec: {
        template: {
          spec: {
            containers: [
              { image: 'nginx:1.22.1', command: ['/bin/sh', '/usr/local/lib/lbbench/discover.sh'] },
            ],
          },
        },
      },
    });
    expect(manifestOf('Apply ConfigMap lbbench/myapp-haproxy')).toMatchObject({
      data: { 'haproxy.cfg': expect.stringContaining('balance leastconn') as unknown },
    });
    expect(titles).toContain('Port-forward 127.0.0.1:<free> → myapp-haproxy pod :8404 (stats only)');
    expect(titles).toContainEqual(
      expect.stringMatching(
        /^Create Job .* against the haproxy Service \(http:\/\/myapp-haproxy\.lbbench\.svc\.cluster\.local:8080\)/,
      ),
    );
    expect(titles).toContainEqual(
      expect.stringMatching(
        /^Create Job .* against the nginx Service \(http:\/\/myapp-nginx-proxy\.lbbench\.svc\.cluster\.local:8080\)/,
      ),
    );
    // Before measuring, the nginx row waits for its pod's log to list the Ready pods; after, it reads the reloads.
    const nginxRun = titles.slice(titles.findIndex((t) => t.startsWith('Run 5: nginx:least_conn')));
    const waitForList = nginxRun.indexOf(
      "Wait until the myapp-nginx-proxy pod's log (its newest lbbench-discovery/lbbench-reload line) lists exactly the Ready myapp pod IPs",
    );
    expect(waitForList).toBeGreaterThan(
      nginxRun.indexOf(
        'Wait until the myapp-nginx-proxy pod annotated <nonce>-5 is Ready and no other is left',
      ),
    );
    expect(waitForList).toBeLessThan(nginxRun.findIndex((t) => t.includes('Create Job')));
    expect(nginxRun).toContainEqual(
      expect.stringContaining(
        "read the lbbench-reload lines of the myapp-nginx-proxy pod's log into the run's configReloads",
      ),
    );
    expect(titles.filter((t) => t.includes("pod's log (its newest lbbench-discovery"))).toHaveLength(2);
    // A repetition rolls a fresh pod of the same row's Deployment; no Envoy proxy is planned at all.
    expect(titles.filter((t) => t.startsWith('Replace Deployment lbbench/myapp-haproxy'))).toHaveLength(1);
    expect(titles.some((t) => t.includes('myapp-envoy'))).toBe(false);
  });

  it('applies no ClusterIP Service without a CLUSTER_IP row', async () => {
    const backend = createKubeBackend(
      makeScenario({
        policies: [envoyRow('ROUND_ROBIN')],
        proxy: { ...makeScenario().proxy, image: 'r/p:1' },
        kube: { ...makeScenario().kube, image: 'r/lbbench:1' },
      }),
      {
        kubeConfig: makeKubeConfig('http://127.0.0.1:1'),
        progress: SILENT_PROGRESS,
        repoRoot: getPackageRoot(),
        keep: false,
      },
    );
    expect((await backend.plan()).some((s) => s.title.includes('myapp-clusterip'))).toBe(false);
  });
});
