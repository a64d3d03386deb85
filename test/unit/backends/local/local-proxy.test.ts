import { describe, expect, it } from 'vitest';

import { resolveProxyCommand } from '../../../../src/backends/local/local-proxy.js';
import type { ProxyLaunchSpec } from '../../../../src/backends/local/proxy-process.js';
import { buildProxyArgs } from '../../../../src/backends/local/proxy-process.js';
import { createLocalTestScenario } from '../../../support/local-scenario.js';

const spec: ProxyLaunchSpec = {
  command: ['/usr/bin/node', '/pkg/node_modules/lbbench-proxy/dist/main.js'],
  isLbbenchProxy: true,
  configPath: '/out/local/proxy-1-RANDOM.yaml',
  adminAddressPath: '/tmp/x/admin-address-1',
  dnsServer: { host: '127.0.0.1', port: 5300 },
  concurrency: 2,
  seed: 42,
  logPath: '/out/local/proxy-1-RANDOM.log',
};

describe('buildProxyArgs', () => {
  it('gives lbbench-proxy Envoy flags plus its DNS server, seed and log level', () => {
    expect(buildProxyArgs(spec)).toEqual([
      '/pkg/node_modules/lbbench-proxy/dist/main.js',
      '-c',
      '/out/local/proxy-1-RANDOM.yaml',
      '--admin-address-path',
      '/tmp/x/admin-address-1',
      '--concurrency',
      '2',
      '--dns-server',
      '127.0.0.1:5300',
      '--seed',
      '42',
      '--log-level',
      'info',
    ]);
  });

  it('gives a custom command only the flags Envoy knows', () => {
    expect(buildProxyArgs({ ...spec, command: ['envoy', '--base-id', '7'], isLbbenchProxy: false })).toEqual([
      '--base-id',
      '7',
      '-c',
      '/out/local/proxy-1-RANDOM.yaml',
      '--admin-address-path',
      '/tmp/x/admin-address-1',
      '--concurrency',
      '2',
    ]);
  });
});

describe('resolveProxyCommand', () => {
  const base = createLocalTestScenario();

  it.each([
    [{ ...base.proxy, command: ['/opt/envoy', '-l', 'warn'] }, ['/opt/envoy', '-l', 'warn'], 'custom'],
    [{ ...base.proxy, kind: 'envoy' as const, command: ['/opt/envoy'] }, ['/opt/envoy'], 'envoy'],
    [{ ...base.proxy, kind: 'envoy' as const }, ['envoy'], 'envoy'],
  ])('%j runs %j as %s', async (proxy, argv, kind) => {
    const command = await resolveProxyCommand({ ...base, proxy }, '/nowhere/main.js');
    expect(command).toEqual({ argv, isLbbenchProxy: false, kind });
  });

  it('asks for a build when lbbench-proxy is missing', async () => {
    await expect(
      resolveProxyCommand(base, '/nowhere/node_modules/lbbench-proxy/dist/main.js'),
    ).rejects.toThrow(
      '/nowhere/node_modules/lbbench-proxy/dist/main.js not found: build lbbench first (npm run build)',
    );
  });
});
