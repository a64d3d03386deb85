import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from './run-cli-io.js';

// A small simulation: deterministic, in-process, no sockets.
const SIM = ['sim', 'quickstart', '--policies', 'ROUND_ROBIN,RANDOM', '--duration', '1s', '--warmup', '0s'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lbbench-streams-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('streams as Unix tools use them', () => {
  it('run/sim: the verdict and gate tables on stdout, progress on stderr', async () => {
    const result = await captureCli([...SIM, '--out', 'a'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('gates: all');
    expect(result.stdout).toMatch(/✓ +ROUND_ROBIN +ROUND_ROBIN: jain >= 0.999/);
    expect(result.stdout).not.toContain('▸');
    expect(result.stderr).toContain('▸ Simulating');
    expect(result.stderr).not.toContain('gates: all');
  });

  it('check: the verdict goes to stdout, so `check > verdict.txt` holds it', async () => {
    const result = await captureCli(['check', 'a/results.json'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('gate(s) passed');
    expect(result.stderr).toBe('');
  });

  it('validate: resolves a bundled name, prints a valid scenario file on stdout and the verdict on stderr', async () => {
    const result = await captureCli(['validate', 'quickstart'], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/scenarios\/quickstart\.yaml: valid\n$/);
    await writeFile(path.join(dir, 'printed.yaml'), result.stdout);
    const again = await captureCli(['validate', 'printed.yaml'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(result.stdout);
  });

  it('--json puts only JSON on stdout, also for a run', async () => {
    const result = await captureCli([...SIM, '--out', 'b', '--json'], dir);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ schemaVersion: 1, status: 'complete', source: 'sim' });
    expect(result.stderr).toContain('gates: all');
  });

  it('--json puts only JSON on stdout for an error too, with the exit code', async () => {
    const result = await captureCli(['check', 'missing.json', '--json'], dir);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ schemaVersion: 1, status: 'error', exitCode: 2 });
    expect(result.stderr).toMatch(/^lbbench: /);
  });
});

describe("a scripted session of the README's commands", () => {
  it.each([
    [['scenarios'], /Bundled scenarios/],
    [['validate', 'quickstart'], /^name: quickstart\n/],
    [['check', 'a/results.json'], /gate\(s\) passed/],
    [['report', 'a/results.json'], /Report: .*report\.html/],
    [['sim', '--help'], /Usage: lbbench sim/],
  ])('lbbench %j: the result on stdout, nothing but logs on stderr', async (argv, result) => {
    const { code, stdout, stderr } = await captureCli(argv, dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(result);
    expect(stderr).not.toMatch(result);
  });
});

describe('never overwriting a run', () => {
  it('refuses an --out that already holds results with exit 2, and leaves them as they were', async () => {
    const before = await readFile(path.join(dir, 'a', 'results.json'), 'utf8');
    const result = await captureCli([...SIM, '--seed', '9', '--out', 'a'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--out .*a already holds the results of a run/);
    expect(await readFile(path.join(dir, 'a', 'results.json'), 'utf8')).toBe(before);
  });

  it('records a Reproduce command without --out, so running it again is safe', async () => {
    const results = JSON.parse(await readFile(path.join(dir, 'a', 'results.json'), 'utf8')) as {
      command: string[];
    };
    expect(results.command).toEqual(['lbbench', ...SIM]);
    expect(await readFile(path.join(dir, 'a', 'summary.md'), 'utf8')).not.toContain('--out');
  });

  it('gives the default folder a fresh suffix instead of reusing it', async () => {
    const first = await captureCli(SIM, dir);
    const second = await captureCli(SIM, dir);
    const folder = (text: string): string => /Results: (.*)results\.json/.exec(text)?.[1] ?? '';
    expect(folder(first.stdout)).not.toBe('');
    expect(folder(second.stdout)).not.toBe(folder(first.stdout));
  });

  it('refuses an --out under /proc at once, naming the folder, without hanging in mkdir', async () => {
    const started = Date.now();
    const result = await captureCli([...SIM, '--out', '/proc/lbbench-test/deeper'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--out /proc/lbbench-test/deeper: cannot create a folder under /proc');
    expect(result.stderr).not.toMatch(/E[A-Z]+: /);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses an --out whose path runs through a file', async () => {
    await writeFile(path.join(dir, 'plain-file'), '');
    const result = await captureCli([...SIM, '--out', 'plain-file/x'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a file, not a folder');
    expect(existsSync(path.join(dir, 'plain-file', 'x'))).toBe(false);
  });

  it('writes --junit into a folder that does not exist yet', async () => {
    const result = await captureCli(['check', 'a/results.json', '--junit', 'ci/out/junit.xml'], dir);
    expect(result.code).toBe(0);
    expect(await readFile(path.join(dir, 'ci', 'out', 'junit.xml'), 'utf8')).toContain('<testsuites');
  });
});
