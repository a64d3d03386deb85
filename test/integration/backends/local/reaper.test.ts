import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

import { getDistPath } from '../../../support/dist.js';
import { isProcessAlive } from '../../../support/process-state.js';

let scratchDir: string;

beforeAll(async () => {
  scratchDir = await mkdtemp(join(tmpdir(), 'lbbench-reaper-'));
});

afterAll(async () => {
  await rm(scratchDir, { recursive: true, force: true });
});

/** A stand-in harness: starts the reaper and a child that ignores its parent, registers it, prints both pids. */
async function writeHarness(options: { readonly unwatch: boolean }): Promise<string> {
  const reaperModule = pathToFileURL(getDistPath('src/backends/local/reaper.ts')).href;
  const path = join(scratchDir, `harness-${options.unwatch ? 'unwatch' : 'watch'}.mjs`);
  await writeFile(
    path,
    `import { spawn } from 'node:child_process';
import { startReaper } from ${JSON.stringify(reaperModule)};
const reaper = await startReaper(${JSON.stringify(getDistPath('src/backends/local/reaper-main.ts'))}, ${JSON.stringify(join(scratchDir, 'reaper.log'))});
const victim = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
reaper.watch(victim.pid);
${options.unwatch ? 'reaper.unwatch(victim.pid);' : ''}
console.log(JSON.stringify({ victim: victim.pid, reaper: reaper.pid }));
setInterval(() => {}, 1000);
`,
  );
  return path;
}

async function startHarness(path: string): Promise<{ harness: number; victim: number; reaper: number }> {
  const harness = spawn(process.execPath, [path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    harness.stdout.setEncoding('utf8');
    harness.stdout.once('data', resolve);
    harness.once('exit', (code) => {
      reject(new Error(`harness exited with ${String(code)}`));
    });
  });
  const pids = JSON.parse(line) as { victim: number; reaper: number };
  onTestFinished(() => {
    for (const pid of [harness.pid, pids.victim, pids.reaper]) {
      if (pid !== undefined && isProcessAlive(pid)) {
        process.kill(pid, 'SIGKILL');
      }
    }
  });
  return { harness: harness.pid!, ...pids };
}

describe('orphan reaper', () => {
  it('kills the watched processes and exits when the harness is SIGKILLed', async () => {
    const pids = await startHarness(await writeHarness({ unwatch: false }));
    expect([isProcessAlive(pids.victim), isProcessAlive(pids.reaper)]).toEqual([true, true]);
    process.kill(pids.harness, 'SIGKILL');
    await expect
      .poll(() => [isProcessAlive(pids.victim), isProcessAlive(pids.reaper)], { timeout: 10_000 })
      .toEqual([false, false]);
  });

  it('leaves an unwatched process alone', async () => {
    const pids = await startHarness(await writeHarness({ unwatch: true }));
    process.kill(pids.harness, 'SIGKILL');
    await expect.poll(() => isProcessAlive(pids.reaper), { timeout: 10_000 }).toBe(false);
    expect(isProcessAlive(pids.victim)).toBe(true);
  });
});
