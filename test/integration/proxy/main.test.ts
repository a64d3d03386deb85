import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROXY_MAIN, renderTestConfig } from '../../support/proxy-under-test.js';

let directory: string | undefined;

afterEach(async () => {
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

/** Runs the built proxy to its end; resolves with its exit code and stderr. */
function runProxy(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PROXY_MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

describe('lbbench-proxy', () => {
  it('stops with exit code 1 naming the file when it cannot write --admin-address-path', async () => {
    directory = await mkdtemp(join(tmpdir(), 'lbb-proxy-main-'));
    const configPath = join(directory, 'envoy.yaml');
    await writeFile(
      configPath,
      renderTestConfig({ policy: 'ROUND_ROBIN', service: '127.0.0.1', port: 9, clusterType: 'STATIC' }),
    );
    const addressPath = join(directory, 'missing-dir', 'admin-address');
    const { code, stderr } = await runProxy(['-c', configPath, '--admin-address-path', addressPath]);
    expect(code).toBe(1);
    expect(stderr).toContain(`[critical][main] cannot write the admin address to ${addressPath}: ENOENT`);
  });
});
