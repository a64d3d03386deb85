import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatPlan, quoteShellArg, toPlanYaml, type PlanStep } from '../../../../src/backends/kube/plan.js';
import { planKubeWorkload } from '../../../../src/backends/kube/kube-plan.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import { readManifestTemplates } from '../../../../src/backends/kube/repo-files.js';
import { buildWorkloadConfig } from '../../../../src/backends/kube/workload-config.js';
import { makeScenario } from './fixtures.js';

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

describe('planKubeWorkload', () => {
  it('applies the workload, then the proxy once, then patches it for each later run, then deletes', async () => {
    const templates = await readManifestTemplates(getPackageRoot());
    const scenario = makeScenario({ policies: ['ROUND_ROBIN', 'RANDOM'], repetitions: 2 });
    const config = buildWorkloadConfig(scenario, { templates, envoyTemplate: undefined, proxyImage: 'p:1' });
    const steps = planKubeWorkload(config, {
      target: 'context "x"',
      policies: scenario.policies,
      repetitions: 2,
      events: [{ atMs: 500, action: 'scale', replicas: 5 }],
      deleteObjects: true,
    });
    const manifests = steps.filter((s) => s.kind === 'manifest').map((s) => `${s.action} ${s.title}`);
    expect(manifests).toEqual([
      'apply Create Namespace lbbench unless it exists',
      'apply Apply ConfigMap lbbench/myapp-nginx (nginx default.conf)',
      'apply Apply Service lbbench/myapp (headless)',
      'apply Apply Deployment lbbench/myapp (3 × nginx:1.10)',
      'apply Apply Service lbbench/myapp-envoy',
      'apply Apply Deployment lbbench/myapp-envoy (ROUND_ROBIN)',
      'patch Patch Deployment lbbench/myapp-envoy to ROUND_ROBIN (JSON Patch)',
      'patch Patch Deployment lbbench/myapp-envoy to RANDOM (JSON Patch)',
      'patch Patch Deployment lbbench/myapp-envoy to RANDOM (JSON Patch)',
    ]);
    const lastPatch = steps.filter((s) => s.kind === 'manifest').at(-1);
    expect(parse(lastPatch?.kind === 'manifest' ? lastPatch.yaml : '')).toContainEqual({
      op: 'add',
      path: '/spec/template/metadata/annotations/lbbench.dev~1deployment-seq',
      value: '4',
    });
    expect(steps.filter((s) => s.title.includes('and wait for 5 Ready pods')).length).toBe(4);
    expect(steps.at(-1)?.title).toMatch(/^Delete namespace lbbench if lbbench created it/);
  });
});
