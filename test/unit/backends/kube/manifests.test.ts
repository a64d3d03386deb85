import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LB_POLICIES } from 'lbbench-proxy';
import { MANIFEST_FILES, parseManifestTemplates } from '../../../../src/backends/kube/manifest-templates.js';
import {
  NAMES,
  renderAppManifests,
  renderProxyManifests,
  type ProxyValues,
} from '../../../../src/backends/kube/render-manifests.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import { readManifestTemplates } from '../../../../src/backends/kube/repo-files.js';
import { validateManifest } from './validate-manifest.js';

const repoRoot = getPackageRoot();
const templates = await readManifestTemplates(repoRoot);

const proxyValues = (overrides: Partial<ProxyValues> = {}): ProxyValues => ({
  namespace: 'bench',
  kind: 'lbbench',
  image: 'lbbench-proxy:dev',
  concurrency: 3,
  policy: 'LEAST_REQUEST',
  serviceName: 'myapp.bench.svc.cluster.local',
  seed: 9,
  deploymentId: 'n0nce-4',
  proxyConfig: 'static_resources: {}\n',
  ...overrides,
});

describe('cluster/ manifests', () => {
  const kubernetesFiles = Object.entries(MANIFEST_FILES).filter(([role]) => role !== 'kindConfig');

  it.each(kubernetesFiles)('%s (%s) validates against the Kubernetes schema', (role) => {
    const manifest = templates[role as keyof typeof templates];
    expect(() => {
      validateManifest(manifest);
    }).not.toThrow();
  });

  it('the schema check rejects a wrongly typed field, so the validations above can fail', () => {
    const broken = structuredClone(templates.myappDeployment) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'three';
    expect(() => {
      validateManifest(broken);
    }).toThrow();
  });

  it('keeps the write-up contract: headless myapp on port 80 named web, nginx:1.10, proxy on 80 and 9901', () => {
    expect(templates.myappService.spec).toMatchObject({
      clusterIP: 'None',
      ports: [{ name: 'web', port: 80, protocol: 'TCP', targetPort: 80 }],
      selector: { app: 'myapp' },
    });
    const nginx = templates.myappDeployment.spec?.template.spec?.containers[0];
    expect(nginx?.image).toBe('nginx:1.10');
    expect(nginx?.readinessProbe?.httpGet?.port).toBe(80);
    expect(templates.proxyService.metadata?.name).toBe('myapp-envoy');
    expect(templates.proxyService.spec?.ports?.map((p) => p.port)).toEqual([80, 9901]);
    for (const deployment of [templates.proxyDeployment, templates.envoyDeployment]) {
      const env = deployment.spec?.template.spec?.containers[0]?.env?.map((e) => e.name);
      expect(env?.slice(0, 2)).toEqual(['ENVOY_LB_ALG', 'SERVICE_NAME']);
    }
  });

  it("puts a ClusterIP Service (the CLUSTER_IP row) in front of the same pods, with the headless one's port", () => {
    const clusterIp = templates.myappClusterIpService;
    expect(clusterIp.metadata?.name).toBe('myapp-clusterip');
    expect(clusterIp.spec?.type).toBe('ClusterIP');
    expect(clusterIp.spec?.clusterIP).toBeUndefined();
    expect(clusterIp.spec?.sessionAffinity).toBe('None');
    expect(clusterIp.spec?.selector).toEqual(templates.myappService.spec?.selector);
    expect(clusterIp.spec?.ports).toEqual(templates.myappService.spec?.ports);
    expect(clusterIp.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('lbbench');
  });

  it('nginx adds the pod name as X-Upstream-Pod on every response', () => {
    expect(templates.myappConfigMap.data?.['default.conf']).toContain(
      'add_header X-Upstream-Pod $hostname always;',
    );
    const mount = templates.myappDeployment.spec?.template.spec?.containers[0]?.volumeMounts?.[0];
    expect(mount?.mountPath).toBe('/etc/nginx/conf.d');
  });

  it('the kind config is a kind.x-k8s.io/v1alpha4 Cluster named lbbench with one control plane', () => {
    expect(templates.kindConfig).toMatchObject({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'lbbench',
    });
    const roles = (templates.kindConfig.nodes as { role: string }[]).map((node) => node.role);
    expect(roles.filter((role) => role === 'control-plane')).toHaveLength(1);
  });

  it('rejects a file of the wrong kind with the file name', () => {
    const texts = Object.fromEntries(
      Object.keys(MANIFEST_FILES).map((role) => [role, 'apiVersion: v1\nkind: Pod\n']),
    );
    expect(() =>
      parseManifestTemplates(
        texts as Record<keyof typeof MANIFEST_FILES, string>,
        (r) => `cluster/${r}.yaml`,
      ),
    ).toThrow(/cluster\/kindConfig\.yaml: must be a kind\.x-k8s\.io\/v1alpha4 Cluster, got v1 Pod/);
  });
});

describe('renderAppManifests', () => {
  it('fills namespace, replicas and image on copies and the results validate', () => {
    const before = structuredClone(templates);
    const rendered = renderAppManifests(templates, {
      namespace: 'bench',
      replicas: 5,
      upstreamImage: 'nginx:1.27',
      podServer: undefined,
    });
    expect(rendered.namespace.metadata?.name).toBe('bench');
    expect(rendered.deployment.spec?.replicas).toBe(5);
    expect(rendered.deployment.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.27');
    for (const object of [rendered.configMap, rendered.service, rendered.deployment]) {
      expect(object.metadata?.namespace).toBe('bench');
    }
    for (const object of Object.values(rendered)) validateManifest(object);
    expect(templates).toEqual(before);
  });

  it('sets any namespace and replica count it is given', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        fc.integer({ min: 1, max: 50 }),
        (namespace, replicas) => {
          const rendered = renderAppManifests(templates, {
            namespace,
            replicas,
            upstreamImage: 'nginx:1.10',
            podServer: undefined,
          });
          return (
            rendered.deployment.spec?.replicas === replicas &&
            rendered.service.metadata?.namespace === namespace
          );
        },
      ),
    );
  });
});

describe('renderProxyManifests', () => {
  it.each(LB_POLICIES)('bundled proxy with %s: image, env, concurrency, seed and deployment id', (policy) => {
    const rendered = renderProxyManifests(templates, proxyValues({ policy }));
    const container = rendered.deployment.spec?.template.spec?.containers[0];
    expect(container?.image).toBe('lbbench-proxy:dev');
    expect(container?.env).toEqual([
      { name: NAMES.policyEnv, value: policy },
      { name: NAMES.serviceEnv, value: 'myapp.bench.svc.cluster.local' },
      { name: 'ENVOY_TEMPLATE', value: '/etc/lbbench/envoy.yaml' },
    ]);
    expect(container?.args).toEqual(['--concurrency', '3', '--seed', '9']);
    expect(rendered.deployment.spec?.template.metadata?.annotations?.[NAMES.deploymentAnnotation]).toBe(
      'n0nce-4',
    );
    expect(rendered.configMap.metadata?.name).toBe(
      rendered.deployment.spec?.template.spec?.volumes?.[0]?.configMap?.name,
    );
    validateManifest(rendered.configMap);
    validateManifest(rendered.deployment);
    validateManifest(rendered.service);
  });

  it('real Envoy: envoy -c /etc/envoy/envoy.yaml --concurrency N on the rendered config from a ConfigMap', () => {
    const envoyConfig = 'static_resources: {}\n';
    const rendered = renderProxyManifests(
      templates,
      proxyValues({
        kind: 'envoy',
        image: 'envoyproxy/envoy:v1.34.1',
        concurrency: 2,
        proxyConfig: envoyConfig,
      }),
    );
    const container = rendered.deployment.spec?.template.spec?.containers[0];
    expect([...(container?.command ?? []), ...(container?.args ?? [])]).toEqual([
      'envoy',
      '-c',
      '/etc/envoy/envoy.yaml',
      '--concurrency',
      '2',
    ]);
    expect(rendered.configMap.data?.['envoy.yaml']).toBe(envoyConfig);
    expect(rendered.configMap.metadata?.name).toBe(
      rendered.deployment.spec?.template.spec?.volumes?.[0]?.configMap?.name,
    );
    for (const object of [rendered.configMap, rendered.service, rendered.deployment])
      validateManifest(object);
  });

  it('the pod server replaces nginx when the scenario delays pods, with a probe on its control port', () => {
    const rendered = renderAppManifests(templates, {
      namespace: 'bench',
      replicas: 3,
      upstreamImage: 'lbbench:dev',
      podServer: { image: 'lbbench:dev', delayMs: 15 },
    });
    const container = rendered.deployment.spec?.template.spec?.containers[0];
    expect(container?.image).toBe('lbbench:dev');
    expect(container?.command).toEqual([
      'node',
      '/app/dist/src/backends/kube/pod-server-main.js',
      '--port',
      '80',
      '--control-port',
      '8081',
      '--delay-ms',
      '15',
    ]);
    expect(container?.readinessProbe?.httpGet?.port).toBe(8081);
    validateManifest(rendered.deployment);
  });
});
