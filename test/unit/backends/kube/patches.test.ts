import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../../../src/errors.js';
import {
  buildPolicyPatch,
  buildScalePatch,
  escapeJsonPointer,
  renderProxyManifests,
} from '../../../../src/backends/kube/render-manifests.js';
import { getPackageRoot } from '../../../../src/package-root.js';
import { readManifestTemplates } from '../../../../src/backends/kube/repo-files.js';

const templates = await readManifestTemplates(getPackageRoot());

describe('escapeJsonPointer (RFC 6901)', () => {
  it.each([
    ['plain', 'plain'],
    ['lbbench.dev/deployment-seq', 'lbbench.dev~1deployment-seq'],
    ['a~b/c', 'a~0b~1c'],
  ])('%s → %s', (key, escaped) => {
    expect(escapeJsonPointer(key)).toBe(escaped);
  });
});

describe('buildPolicyPatch', () => {
  it('tests the env name, replaces its value and bumps the pod annotation', () => {
    const { deployment } = renderProxyManifests(templates, {
      namespace: 'ns',
      kind: 'lbbench',
      image: 'i:1',
      concurrency: 1,
      policy: 'ROUND_ROBIN',
      serviceName: 'myapp',
      deploymentSeq: 1,
      envoyConfig: undefined,
    });
    expect(buildPolicyPatch(deployment, 'MAGLEV', 7)).toEqual([
      { op: 'test', path: '/spec/template/spec/containers/0/env/0/name', value: 'ENVOY_LB_ALG' },
      { op: 'replace', path: '/spec/template/spec/containers/0/env/0/value', value: 'MAGLEV' },
      { op: 'add', path: '/spec/template/metadata/annotations/lbbench.dev~1deployment-seq', value: '7' },
    ]);
  });

  it('points at the env entry wherever it is', () => {
    const { deployment } = renderProxyManifests(templates, {
      namespace: 'ns',
      kind: 'lbbench',
      image: 'i:1',
      concurrency: 1,
      policy: 'RANDOM',
      serviceName: 'myapp',
      deploymentSeq: 1,
      envoyConfig: undefined,
    });
    const container = deployment.spec?.template.spec?.containers[0];
    if (container?.env !== undefined) container.env = [{ name: 'OTHER', value: 'x' }, ...container.env];
    expect(buildPolicyPatch(deployment, 'RANDOM', 2)[1]?.path).toBe(
      '/spec/template/spec/containers/0/env/1/value',
    );
  });

  it('fails clearly when the Deployment has no ENVOY_LB_ALG', () => {
    const deployment = structuredClone(templates.proxyDeployment);
    const container = deployment.spec?.template.spec?.containers[0];
    if (container !== undefined) container.env = [];
    expect(() => buildPolicyPatch(deployment, 'RANDOM', 2)).toThrow(ClusterError);
  });
});

describe('buildScalePatch', () => {
  it('replaces spec.replicas', () => {
    expect(buildScalePatch(6)).toEqual([{ op: 'replace', path: '/spec/replicas', value: 6 }]);
  });
});
