import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ResultsFile } from '../../../src/results/types.js';
import type { CliProcess } from '../../support/cli-process.js';
import { startCli } from '../../support/cli-process.js';
import { createWorkDir } from '../../support/work-dir.js';

/** Waits until the CLI printed `text` on stderr; fails the test when it never does. */
async function waitForStderr(cli: CliProcess, text: string): Promise<void> {
  await expect.poll(() => cli.stderr(), { timeout: 30_000, interval: 50 }).toContain(text);
}

/** A second SIGINT makes the CLI give up cleaning and exit: only the first one may be needed here. */
function stopIfStillRunning(cli: CliProcess): void {
  onTestFinished(() => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  });
}

describe('Ctrl-C', () => {
  it('in the middle of a measured window ends the run: exit 130, results.json says interrupted', async () => {
    const cwd = await createWorkDir();
    await writeFile(
      path.join(cwd, 'long.yaml'),
      'name: long\nreplicas: 2\npolicies: [ROUND_ROBIN]\nload: { connections: 2, duration: 60s, warmup: 0ms }\n' +
        'upstream: { server: node }\nevents: [{ at: 50s, kill: 0 }]\n',
    );
    const out = path.join(cwd, 'out');
    const cli = startCli(['run', 'long.yaml', '--out', out], { cwd });
    stopIfStillRunning(cli);
    // The first progress line of the load: the measured window is running, and so are sampling and the event timer.
    await waitForStderr(cli, 'rep 1/1');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    expect(results.status).toBe('interrupted');
    expect(results.runs).toEqual([]);
  });

  it('during lbbench sim stops between two runs and keeps the runs already simulated', async () => {
    const cwd = await createWorkDir();
    const out = path.join(cwd, 'out');
    const cli = startCli(['sim', 'scenarios/sim-100k.yaml', '--repetitions', '100', '--out', out], { cwd });
    stopIfStillRunning(cli);
    await waitForStderr(cli, 'requests simulated');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    expect(results.status).toBe('interrupted');
    expect(results.runs.length).toBeGreaterThanOrEqual(1);
    expect(results.runs.length).toBeLessThan(300);
  });
});
