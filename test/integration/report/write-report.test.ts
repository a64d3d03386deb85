import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadReportAssets } from '../../../src/report/assets.js';
import { writeReport } from '../../../src/report/write-report.js';
import { readResults } from '../../../src/results/read-results.js';

const FIXTURE = path.join(import.meta.dirname, '../../fixtures/results/slow-pod-repetitions-partial.json');

describe('loadReportAssets', () => {
  it('reads the minified browser builds of vega 6, vega-lite 6 and vega-embed 7 without source-map comments', async () => {
    const assets = await loadReportAssets();
    expect(assets.vega).toMatch(/version\$?\d*\s*=\s*"6\.|"6\.\d+\.\d+"/);
    expect(assets.vegaLite).toContain('"6.4.');
    expect(assets.vegaEmbed).toContain('vegaEmbed');
    for (const source of [assets.vega, assets.vegaLite, assets.vegaEmbed]) {
      expect(source.length).toBeGreaterThan(50_000);
      expect(source).not.toContain('sourceMappingURL');
      expect(source).not.toMatch(/<\/script|<!--|<script/i);
    }
  });
});

describe('writeReport', () => {
  it('writes results.json, report.html, summary.md and junit.xml into a new folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lbbench-report-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const results = await readResults(FIXTURE);
    const outDir = path.join(dir, 'reports', 'run-1');
    const paths = await writeReport(results, outDir);
    expect(paths).toEqual({
      resultsPath: path.join(outDir, 'results.json'),
      htmlPath: path.join(outDir, 'report.html'),
      summaryPath: path.join(outDir, 'summary.md'),
      junitPath: path.join(outDir, 'junit.xml'),
    });
    expect((await readdir(outDir)).sort()).toEqual([
      'junit.xml',
      'report.html',
      'results.json',
      'summary.md',
    ]);
    expect(await readResults(paths.resultsPath)).toEqual(results);

    const html = await readFile(paths.htmlPath, 'utf8');
    const assets = await loadReportAssets();
    const hash = `'sha256-${createHash('sha256').update(assets.vega).digest('base64')}'`;
    expect(html).toContain(`<script>${assets.vega}</script>`);
    expect(html.replaceAll('&#39;', "'")).toContain(hash);
    expect(await readFile(paths.summaryPath, 'utf8')).toContain('## lbbench: slow-pod');
    expect(await readFile(paths.junitPath, 'utf8')).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /,
    );
  });
});
