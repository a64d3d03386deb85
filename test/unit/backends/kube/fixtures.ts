import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Scenario } from '../../../../src/scenario/types.js';
import type { ProgressSink } from '../../../../src/progress.js';
import { envoyRow } from '../../../../src/scenario/envoy-row.js';

/** A complete scenario for the Kubernetes backends, with `overrides` applied on top. */
export function makeScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'k8s-test',
    description: '',
    sourcePath: 'scenarios/k8s-test.yaml',
    backend: 'kind',
    replicas: 3,
    policies: [envoyRow('ROUND_ROBIN'), envoyRow('LEAST_REQUEST')],
    repetitions: 1,
    seed: 1,
    proxy: {
      kind: 'lbbench',
      concurrency: 2,
      dnsRefreshRateMs: 5000,
      respectDnsTtl: false,
      command: undefined,
      image: undefined,
    },
    load: {
      connections: 4,
      durationMs: 1000,
      warmupMs: 0,
      rateRps: undefined,
      timeoutMs: 1000,
      path: '/',
      generators: 1,
    },
    upstream: { server: 'auto', delayMs: 0, pods: [] },
    events: [],
    gates: [],
    kind: { clusterName: 'lbbench', workers: 2, reuse: false, nodeImage: undefined },
    kube: { context: undefined, namespace: 'lbbench', clusterDomain: 'cluster.local', image: undefined },
    sim: { serviceTime: 'fixed', baseServiceTimeMs: 1, requests: undefined },
    ...overrides,
  };
}

/** A KubeConfig whose only context points at `server` over plain HTTP (the fake API server). */
export function makeKubeConfig(server: string, context = 'fake'): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'fake' }],
    contexts: [{ name: context, cluster: 'fake', user: 'fake', namespace: 'default' }],
    currentContext: context,
  });
  return kubeConfig;
}

/** A ProgressSink that records every message with its kind. */
export function makeRecordingProgress(): ProgressSink & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    step: (message) => lines.push(`step: ${message}`),
    update: (message) => lines.push(`update: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
  };
}

/**
 * A temporary stand-in for the package root: `cluster/` links to the real manifests, `proxy/envoy.yaml.tmpl` to
 * the real template, plus a dummy proxy package build (`proxy/Dockerfile`, its package files and `src/`), the lbbench image's build inputs (package.json, the
 * compiled pod server and load generator) and, when given, `proxy/envoy-v3.yaml.tmpl`. Returns its path and a cleanup.
 */
export async function makeTempRepo(
  realRoot: string,
  files: { dockerfile?: boolean; lbbenchInputs?: boolean; envoyTemplate?: string } = {},
): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'lbbench-repo-'));
  await symlink(join(realRoot, 'cluster'), join(root, 'cluster'));
  await mkdir(join(root, 'proxy'));
  await symlink(join(realRoot, 'proxy', 'envoy.yaml.tmpl'), join(root, 'proxy', 'envoy.yaml.tmpl'));
  if (files.dockerfile ?? true) {
    await writeFile(join(root, 'proxy', 'Dockerfile'), 'FROM scratch\n');
    for (const file of ['package.json', 'npm-shrinkwrap.json', 'tsconfig.json']) {
      await writeFile(join(root, 'proxy', file), '{}\n');
    }
    await mkdir(join(root, 'proxy', 'src'));
  }
  if (files.lbbenchInputs ?? true) {
    await writeFile(join(root, 'package.json'), '{}\n');
    await mkdir(join(root, 'dist', 'src', 'backends', 'kube'), { recursive: true });
    await writeFile(join(root, 'dist', 'src', 'backends', 'kube', 'pod-server-main.js'), '\n');
    await mkdir(join(root, 'dist', 'src', 'load'), { recursive: true });
    await writeFile(join(root, 'dist', 'src', 'load', 'generator-main.js'), '\n');
  }
  if (files.envoyTemplate !== undefined) {
    await writeFile(join(root, 'proxy', 'envoy-v3.yaml.tmpl'), files.envoyTemplate);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/** A small Envoy v3 template using the two variables lbbench sets. */
export const TEST_ENVOY_TEMPLATE = [
  'admin: { address: { socket_address: { address: 0.0.0.0, port_value: 9901 } } }',
  'static_resources:',
  '  clusters:',
  '  - name: myapp_cluster',
  '    type: STRICT_DNS',
  '    lb_policy: ${ENVOY_LB_ALG}',
  '    load_assignment:',
  '      cluster_name: myapp_cluster',
  '      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: ${SERVICE_NAME}, port_value: 80 } } } }] }]',
  '',
].join('\n');
