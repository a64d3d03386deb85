import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../../src/results/types.js';
import { listDescendants, runCliProcess, startCli } from '../../support/cli-process.js';
import { isProcessAlive } from '../../support/process-state.js';
import { createWorkDir } from '../../support/work-dir.js';

const SHORT_RUN = `name: short
replicas: 3
policies: [ROUND_ROBIN, LEAST_REQUEST, RANDOM]
proxy: { dnsRefreshRate: 1s }
load: { connections: 4, duration: 1500ms, warmup: 0ms }
upstream: { server: node }
`;

describe('lbbench run, as a user runs it', () => {
  it.each([
    ['a bad policy name', 'name: bad\npolicies: [ROUND_ROBIN, LEAST_REQUESTS]\n', 'policies[1]'],
    ['negative replicas', 'name: bad\nreplicas: -3\n', 'replicas: must be an integer'],
    ['an unknown field', 'name: bad\nload: { conections: 10 }\n', 'load.conections'],
    ['unparsable YAML', 'name: bad\nload: { connections: 10\n', 'bad.yaml'],
  ])('rejects %s with exit 2, naming the field, before anything starts', async (_name, yaml, expected) => {
    const cwd = await createWorkDir();
    await writeFile(path.join(cwd, 'bad.yaml'), yaml);
    const { code, stderr } = await runCliProcess(['run', 'bad.yaml'], { cwd });
    expect(code).toBe(2);
    expect(stderr).toContain(expected);
    expect(stderr).toMatch(/^lbbench: .*bad\.yaml/m);
    expect(existsSync(path.join(cwd, 'reports'))).toBe(false);
  });

  it.each([
    [['run', '--replicas', 'three'], '--replicas'],
    [['run', '--policies', 'FASTEST'], 'FASTEST'],
    [['run', '--no-such-flag'], "unknown option '--no-such-flag'"],
    [['run', 'missing.yaml'], 'scenarios/quickstart.yaml'],
  ])('rejects %j with exit 2 and a message that says what is allowed', async (args, expected) => {
    const cwd = await createWorkDir();
    const { code, stderr } = await runCliProcess(args, { cwd });
    expect(code).toBe(2);
    expect(stderr).toContain(expected);
  });

  it('teaches in --help: flags with units and defaults, examples and exit codes', async () => {
    const { code, stdout } = await runCliProcess(['run', '--help'], { cwd: os.tmpdir() });
    expect(code).toBe(0);
    expect(stdout).toContain('--connections <n>');
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('130 interrupted');
  });

  it('on Ctrl-C stops every process it started and keeps results.json of the policies already done', async () => {
    const cwd = await createWorkDir();
    await writeFile(path.join(cwd, 'short.yaml'), SHORT_RUN);
    const out = path.join(cwd, 'out');
    const cli = startCli(['run', 'short.yaml', '--out', out], { cwd });
    const resultsPath = path.join(out, 'results.json');
    let descendants: number[] = [];
    const countFinishedRuns = async (): Promise<number> => {
      // Remember every process of the run while it is in full swing: pods, DNS-less proxy, reaper.
      const seen = listDescendants(cli.child.pid ?? 0);
      if (seen.length > descendants.length) descendants = seen;
      if (!existsSync(resultsPath)) return 0;
      return (JSON.parse(await readFile(resultsPath, 'utf8')) as ResultsFile).runs.length;
    };
    await expect.poll(countFinishedRuns, { timeout: 40_000, interval: 50 }).toBeGreaterThanOrEqual(1);
    expect(descendants.length).toBeGreaterThanOrEqual(4);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);

    const results = JSON.parse(await readFile(resultsPath, 'utf8')) as ResultsFile;
    expect(results.status).toBe('interrupted');
    expect(results.runs.length).toBeGreaterThanOrEqual(1);
    expect(results.runs[0]?.row).toBe('ROUND_ROBIN');
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    expect(cli.stderr()).toContain('interrupted');
    await expect
      .poll(() => descendants.filter(isProcessAlive), { timeout: 10_000, interval: 50 })
      .toEqual([]);
  });
});
