import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError, CommandError, ToolMissingError } from '../../../../src/errors.js';
import { createExecaRunner, runChecked } from '../../../../src/backends/exec.js';
import { makeShimPath } from './shim-path.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function shims(tools: Parameters<typeof makeShimPath>[0]) {
  const shimPath = await makeShimPath(tools);
  cleanups.push(shimPath.remove);
  return { ...shimPath, runner: createExecaRunner({ env: shimPath.env }) };
}

describe('the execa CommandRunner against shims on PATH', () => {
  it('runs the program found on PATH with an argument array and returns its output', async () => {
    const { runner, readCalls } = await shims(['kind', 'docker']);
    const result = await runner('docker', ['version', '--format', '{{.Server.Version}}']);
    expect(result).toEqual({ exitCode: 0, stdout: '28.1.1\n', stderr: '' });
    expect((await readCalls()).map((c) => [c.tool, c.argv])).toEqual([
      ['docker', ['version', '--format', '{{.Server.Version}}']],
    ]);
  });

  it('passes arguments verbatim (no shell: spaces, quotes and $ stay as they are)', async () => {
    const { runner, readCalls } = await shims(['kubectl']);
    const args = ['annotate', 'a b', `it's`, '$HOME', '; rm -rf /'];
    await runner('kubectl', args);
    expect((await readCalls())[0]?.argv).toEqual(args);
  });

  it('honours cwd and input', async () => {
    const { runner, readCalls } = await shims(['kubectl']);
    const cwd = await mkdtemp(join(tmpdir(), 'lbbench-cwd-'));
    cleanups.push(() => rm(cwd, { recursive: true, force: true }));
    await runner('kubectl', ['apply', '-f', '-'], { cwd, input: 'apiVersion: v1\nkind: Namespace\n' });
    const [call] = await readCalls();
    expect(call?.cwd).toBe(await realpath(cwd));
    expect(call?.stdin).toBe('apiVersion: v1\nkind: Namespace\n');
  });

  it('returns a non-zero exit (from LBB_SHIM_EXIT_<NAME>) and runChecked turns it into CommandError', async () => {
    const { runner } = await shims(['kind']);
    const result = await runner('kind', ['create', 'cluster'], { env: { LBB_SHIM_EXIT_KIND: '3' } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('ERROR: failed (shim)\n');
    const failing = createExecaRunner({ env: { ...(await shims(['kind'])).env, LBB_SHIM_EXIT_KIND: '3' } });
    await expect(runChecked(failing, 'kind', ['create', 'cluster'])).rejects.toThrow(
      new CommandError({
        file: 'kind',
        args: ['create', 'cluster'],
        exitCode: 3,
        stderrTail: 'ERROR: failed (shim)',
      }).message,
    );
  });

  it('a program missing from PATH is ToolMissingError (environment) with how to install it', async () => {
    const { runner } = await shims(['docker']);
    const run = runner('kind', ['version']);
    await expect(run).rejects.toBeInstanceOf(ToolMissingError);
    await expect(run).rejects.toThrow(/^kind not found on PATH\. Install kind/);
    await run.catch((error: unknown) => {
      expect(error instanceof ToolMissingError && [error.tool, error.category]).toEqual([
        'kind',
        'environment',
      ]);
    });
  });

  it('a missing working directory is not mistaken for a missing tool', async () => {
    const { runner } = await shims(['docker']);
    await expect(
      runner('docker', ['build', '.'], { cwd: join(tmpdir(), 'lbbench-no-such-dir') }),
    ).rejects.toThrow(/working directory .*lbbench-no-such-dir does not exist/);
  });

  it('a program that cannot be started is a CommandError that says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbbench-noexec-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'kind');
    await writeFile(file, '#!/bin/sh\n', { mode: 0o644 });
    const run = createExecaRunner()(file, ['version']);
    await expect(run).rejects.toBeInstanceOf(CommandError);
    await expect(run).rejects.toThrow(/EACCES/);
  });

  it('an abort kills the program and rejects with AbortedError', async () => {
    const { runner } = await shims(['kind']);
    const controller = new AbortController();
    const run = runner('kind', ['create', 'cluster'], {
      signal: controller.signal,
      env: { LBB_SHIM_SLEEP_MS_KIND: '20000' },
    });
    setTimeout(() => {
      controller.abort();
    }, 50);
    await expect(run).rejects.toBeInstanceOf(AbortedError);
  });
});
