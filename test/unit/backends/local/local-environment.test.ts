import { describe, expect, it } from 'vitest';

import type { LocalEnvironmentFacts } from '../../../../src/backends/local/local-environment.js';
import { describeLocalEnvironment } from '../../../../src/backends/local/local-environment.js';

const facts: LocalEnvironmentFacts = {
  choice: 'auto',
  nginxVersion: 'nginx/1.22.1',
  usedServers: new Set(['nginx']),
  nodePodNames: [],
  podPort: 41000,
  dnsServer: '127.0.0.1:5300',
  dnsTtlSeconds: 5,
  serviceName: 'myapp',
  lastProxy: {
    kind: 'lbbench',
    version: 'lbbench-proxy/0.1.0',
    command: 'node main.js -c x.yaml',
    isSeeded: true,
  },
  nodeVersion: 'v20.20.2',
};

describe('describeLocalEnvironment', () => {
  it('describes nginx pods, DNS, ports and the proxy', () => {
    const environment = describeLocalEnvironment(facts);
    expect(environment.backend).toBe('local');
    expect(environment.upstreamServer).toBe('nginx/1.22.1');
    expect(environment.details).toMatchObject({
      upstreamChoice: 'auto',
      dnsServer: '127.0.0.1:5300 (TTL 5 s)',
      serviceNames: 'myapp, myapp.default, myapp.default.svc.cluster.local',
      proxy: 'lbbench-proxy/0.1.0 (node main.js -c x.yaml)',
      node: 'v20.20.2',
    });
    expect(environment.details.podAddresses).toContain(':41000');
    expect(environment.details).not.toHaveProperty('nodePods');
  });

  it.each<[string, Partial<LocalEnvironmentFacts>, string, RegExp | undefined]>([
    [
      'mixed pods name the Node pods and why',
      { usedServers: new Set(['nginx', 'node']), nodePodNames: ['myapp-a'] },
      'nginx/1.22.1 + node-builtin',
      /^myapp-a: nginx cannot delay responses/,
    ],
    [
      'no nginx says so',
      { nginxVersion: undefined, usedServers: new Set(['node']), nodePodNames: ['a'] },
      'node-builtin',
      /nginx not found/,
    ],
    [
      'node by choice needs no note',
      { choice: 'node', usedServers: new Set(['node']), nodePodNames: ['a'] },
      'node-builtin',
      undefined,
    ],
    ['nothing started yet', { usedServers: new Set(), lastProxy: undefined }, 'none', undefined],
  ])('%s', (_what, override, server, nodePods) => {
    const environment = describeLocalEnvironment({ ...facts, ...override });
    expect(environment.upstreamServer).toBe(server);
    if (nodePods === undefined) {
      expect(environment.details).not.toHaveProperty('nodePods');
    } else {
      expect(environment.details.nodePods).toMatch(nodePods);
    }
  });
});
