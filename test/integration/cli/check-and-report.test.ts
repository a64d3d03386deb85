import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../../src/results/types.js';
import { runCliProcess } from '../../support/cli-process.js';
import { checkSystemTool } from '../../support/system-tools.js';
import { createWorkDir } from '../../support/work-dir.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const QUICKSTART = path.join(FIXTURES, 'results', 'quickstart-3-policies.json');
const XMLLINT = '/usr/bin/xmllint';

/** A copy of the quickstart results whose RANDOM run is `factor` times less even (its CV scaled). */
async function writeWorseResults(directory: string, factor: number): Promise<string> {
  const results = JSON.parse(await readFile(QUICKSTART, 'utf8')) as ResultsFile;
  const worse = {
    ...results,
    summaries: results.summaries.map((summary) =>
      summary.row !== 'RANDOM'
        ? summary
        : {
            ...summary,
            metrics: {
              ...summary.metrics,
              cv: {
                ...summary.metrics.cv,
                median: summary.metrics.cv.median * factor,
                values: [summary.metrics.cv.median * factor],
              },
            },
          },
    ),
  };
  const file = path.join(directory, `worse-${factor}.json`);
  await writeFile(file, JSON.stringify(worse));
  return file;
}

describe('lbbench check', () => {
  it('prints a per-gate diff against a baseline and exits 0 when every gate holds', async () => {
    const cwd = await createWorkDir();
    const { code, stdout } = await runCliProcess(
      ['check', QUICKSTART, '--baseline', QUICKSTART, '--gate', 'RANDOM: cv <= baseline.cv * 1.1 + 0.005'],
      { cwd },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('RANDOM: cv <= baseline.cv * 1.1 + 0.005');
    expect(stdout).toMatch(/baseline/);
  });

  it('exits 1 when the results got worse than the baseline, and writes JUnit XML and the step summary', async () => {
    const cwd = await createWorkDir();
    const worse = await writeWorseResults(cwd, 3);
    const summaryFile = path.join(cwd, 'step-summary.md');
    const junit = path.join(cwd, 'junit.xml');
    const { code, stderr, stdout } = await runCliProcess(
      [
        'check',
        worse,
        '--baseline',
        QUICKSTART,
        '--gate',
        'RANDOM: cv <= baseline.cv * 1.1 + 0.005',
        '--junit',
        junit,
        '--json',
      ],
      { cwd, env: { GITHUB_STEP_SUMMARY: summaryFile } },
    );
    expect(code).toBe(1);
    expect(stderr).toContain('✗');
    const machine = JSON.parse(stdout) as {
      schemaVersion: number;
      gates: { gate: string; passed: boolean }[];
    };
    expect(machine.schemaVersion).toBe(1);
    expect(machine.gates.filter((gate) => !gate.passed).map((gate) => gate.gate)).toEqual([
      'RANDOM: cv <= baseline.cv * 1.1 + 0.005',
    ]);
    expect(await readFile(summaryFile, 'utf8')).toContain('RANDOM: cv <= baseline.cv * 1.1 + 0.005');
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('<failure');
    if (checkSystemTool('xmllint', existsSync(XMLLINT))) {
      execFileSync(XMLLINT, ['--noout', '--schema', path.join(FIXTURES, 'junit', 'junit.xsd'), junit], {
        stdio: 'pipe',
      });
    }
  });

  it('rejects a gate that does not parse with exit 2, naming the token', async () => {
    const { code, stderr } = await runCliProcess(['check', QUICKSTART, '--gate', 'RANDOM: cv <== 1'], {
      cwd: os.tmpdir(),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('unexpected "=" at column');
  });

  it('rejects a file that is not results.json with exit 2', async () => {
    const cwd = await createWorkDir();
    await writeFile(path.join(cwd, 'nope.json'), '{"schemaVersion": 99}');
    const { code, stderr } = await runCliProcess(['check', 'nope.json'], { cwd });
    expect(code).toBe(2);
    expect(stderr).toContain('nope.json');
  });
});

describe('lbbench report', () => {
  it('re-renders report.html, summary.md and junit.xml next to a results.json', async () => {
    const cwd = await createWorkDir();
    await copyFile(QUICKSTART, path.join(cwd, 'results.json'));
    const { code } = await runCliProcess(['report', 'results.json'], { cwd });
    expect(code).toBe(0);
    for (const file of ['report.html', 'summary.md', 'junit.xml'])
      expect(existsSync(path.join(cwd, file))).toBe(true);
    expect(await readFile(path.join(cwd, 'report.html'), 'utf8')).toContain('id="lbbench-results"');
  });
});
