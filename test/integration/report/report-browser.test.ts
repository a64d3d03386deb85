import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readResults } from '../../../src/results/read-results.js';
import { writeReport } from '../../../src/report/write-report.js';
import { checkReportInBrowser, hasChromium } from '../../support/browser.js';
import { requireSystemTool } from '../../support/system-tools.js';

const FIXTURES = ['quickstart-3-policies.json', 'slow-pod-repetitions-partial.json'];
const FIXTURE_DIR = path.join(import.meta.dirname, '../../fixtures/results');

describe('report.html in a real browser', () => {
  it.for(FIXTURES)('renders every chart of %s offline under its CSP', async (fixture, context) => {
    requireSystemTool(context, 'chromium', hasChromium());
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'lbbench-report-'));
    onTestFinished(() => rm(outDir, { recursive: true, force: true }));
    const results = await readResults(path.join(FIXTURE_DIR, fixture));
    const { htmlPath } = await writeReport(results, outDir);
    const screenshot = path.join(outDir, fixture.replace(/\.json$/, '.png'));

    const page = await checkReportInBrowser(htmlPath, screenshot);

    expect(page.pageErrors).toEqual([]);
    expect(page.consoleMessages).toEqual([]);
    expect(page.requests).toEqual([page.fileUrl]);
    expect(page.cspViolation).toBeNull();
    expect(page.chartErrors).toBeNull();
    expect(page.chartSizes.length).toBeGreaterThanOrEqual(4);
    for (const size of page.chartSizes) {
      expect(size.width).toBeGreaterThan(0);
      expect(size.height).toBeGreaterThan(0);
    }
    expect(page.embedded).toMatchObject({ schemaVersion: 3, scenario: { name: results.scenario.name } });
  });
});
