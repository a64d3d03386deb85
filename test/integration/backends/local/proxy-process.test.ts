import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readProxyVersion, startProxyProcess } from '../../../../src/backends/local/proxy-process.js';
import { createExecaRunner } from '../../../../src/backends/exec.js';
import { AbortedError, ProxyError } from '../../../../src/errors.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbbench-proxy-process-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('startProxyProcess', () => {
  it('reports a proxy that exits at start with its exit code and log tail', async () => {
    const failing = [
      process.execPath,
      '-e',
      'console.error("bad config: lb_policy"); process.exitCode = 2;',
      '--',
    ];
    const started = startProxyProcess(
      {
        command: failing,
        isLbbenchProxy: false,
        configPath: join(dir, 'config.yaml'),
        adminAddressPath: join(dir, 'admin-address'),
        dnsServer: { host: '127.0.0.1', port: 53 },
        concurrency: 1,
        seed: 1,
        logPath: join(dir, 'proxy.log'),
      },
      new AbortController().signal,
    );
    await expect(started).rejects.toBeInstanceOf(ProxyError);
    await expect(started).rejects.toThrow(
      /exited with code 2 before it could write its admin address[\s\S]*bad config/,
    );
  });

  it('reports a proxy that cannot be started at all', async () => {
    const started = startProxyProcess(
      {
        command: [join(dir, 'no-such-envoy')],
        isLbbenchProxy: false,
        configPath: join(dir, 'config.yaml'),
        adminAddressPath: join(dir, 'admin-address'),
        dnsServer: { host: '127.0.0.1', port: 53 },
        concurrency: 1,
        seed: 1,
        logPath: join(dir, 'proxy-missing.log'),
      },
      new AbortController().signal,
    );
    await expect(started).rejects.toMatchObject({
      code: 'LBB_TOOL_MISSING',
      tool: join(dir, 'no-such-envoy'),
    });
  });
});

describe('readProxyVersion', () => {
  it.each([
    ['envoy  version: abc123/1.31.0/Clean/RELEASE/BoringSSL', 'abc123/1.31.0/Clean/RELEASE/BoringSSL'],
    ['custom-proxy 2.1', 'custom-proxy 2.1'],
  ])('reads %j', async (output, version) => {
    const command = [process.execPath, '-e', `console.log(${JSON.stringify(output)})`, '--'];
    expect(await readProxyVersion(command, createExecaRunner())).toBe(version);
  });

  it('says unknown when the command fails', async () => {
    expect(await readProxyVersion([join(dir, 'no-such-envoy')], createExecaRunner())).toBe('unknown');
  });

  it('rejects with AbortedError when the run is interrupted, instead of saying unknown', async () => {
    const controller = new AbortController();
    const hanging = [process.execPath, '-e', 'setTimeout(() => undefined, 20_000)', '--'];
    const reading = readProxyVersion(hanging, createExecaRunner(), controller.signal);
    controller.abort();
    await expect(reading).rejects.toBeInstanceOf(AbortedError);
  });
});
