import { describe, expect, it } from 'vitest';
import {
  buildImageCommand,
  createClusterCommand,
  deleteClusterCommand,
  loadImageArchiveCommand,
  parseClusterList,
  PROXY_IMAGE_BUILD,
  saveImageCommand,
  parseKindVersion,
} from '../../../../src/backends/kind/kind-commands.js';
import { renderKindConfig } from '../../../../src/backends/kind/kind-config.js';

const spec = { clusterName: 'bench', workers: 2, reuse: false, nodeImage: undefined };

describe('kind commands', () => {
  it('builds argument arrays, never a shell string', () => {
    expect(createClusterCommand(spec, '/tmp/x/kind-config.yaml', '/tmp/x/kubeconfig').args).toEqual([
      'create',
      'cluster',
      '--name',
      'bench',
      '--config',
      '/tmp/x/kind-config.yaml',
      '--kubeconfig',
      '/tmp/x/kubeconfig',
    ]);
    expect(buildImageCommand('/repo', PROXY_IMAGE_BUILD, 'lbbench-proxy:dev')).toEqual({
      title: 'Build the image lbbench-proxy:dev from proxy/Dockerfile',
      file: 'docker',
      args: ['build', '-t', 'lbbench-proxy:dev', '-f', 'proxy/Dockerfile', 'proxy'],
      cwd: '/repo',
    });
    expect(deleteClusterCommand('bench', '/tmp/x/kubeconfig').args).toEqual([
      'delete',
      'cluster',
      '--name',
      'bench',
      '--kubeconfig',
      '/tmp/x/kubeconfig',
    ]);
    expect(saveImageCommand('me/p:1', '/tmp/x/image.tar').args).toEqual([
      'save',
      '-o',
      '/tmp/x/image.tar',
      'me/p:1',
    ]);
    expect(loadImageArchiveCommand('/tmp/x/image.tar', 'bench').args).toEqual([
      'load',
      'image-archive',
      '/tmp/x/image.tar',
      '--name',
      'bench',
    ]);
  });

  it.each([
    ['', []],
    ['lbbench\n', ['lbbench']],
    ['a\n  b  \n\n', ['a', 'b']],
    ['No kind clusters found.\n', []],
  ])('parseClusterList(%j)', (stdout, names) => {
    expect(parseClusterList(stdout)).toEqual(names);
  });

  it.each([
    ['kind v0.29.0 go1.24.2 linux/amd64\n', 'v0.29.0'],
    ['kind v0.30.0-alpha+abc go1.25 darwin/arm64', 'v0.30.0-alpha+abc'],
    ['something else\n', 'something else'],
  ])('parseKindVersion(%j)', (stdout, version) => {
    expect(parseKindVersion(stdout)).toBe(version);
  });
});

describe('renderKindConfig', () => {
  const template = {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: 'lbbench',
    networking: { ipFamily: 'ipv4' },
    nodes: [
      { role: 'control-plane', labels: { cp: 'yes' } },
      { role: 'worker', labels: { w: 'yes' } },
      { role: 'worker' },
    ],
  };

  it.each([0, 1, 4])('%i workers: one control plane then that many copies of the first worker', (workers) => {
    const before = structuredClone(template);
    const config = renderKindConfig(template, { ...spec, workers });
    expect(config.name).toBe('bench');
    expect(config.networking).toEqual({ ipFamily: 'ipv4' });
    expect(config.nodes).toEqual([
      { role: 'control-plane', labels: { cp: 'yes' } },
      ...Array.from({ length: workers }, () => ({ role: 'worker', labels: { w: 'yes' } })),
    ]);
    expect(template).toEqual(before);
  });

  it('supplies bare nodes when the template has none', () => {
    expect(renderKindConfig({ kind: 'Cluster' }, { ...spec, workers: 1 }).nodes).toEqual([
      { role: 'control-plane' },
      { role: 'worker' },
    ]);
  });
});
