import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readResults } from '../../../src/results/read-results.js';
import { writeReport } from '../../../src/report/write-report.js';
import { hasChromium, launchChromium } from '../../support/browser.js';

const FIXTURES = ['quickstart-3-policies.json', 'slow-pod-repetitions-partial.json'];
const FIXTURE_DIR = path.join(import.meta.dirname, '../../fixtures/results');

interface PageEvents {
  readonly console: string[];
  readonly pageErrors: string[];
  readonly requests: string[];
}

describe('report.html in a real browser', () => {
  it.for(FIXTURES)('renders every chart of %s offline under its CSP', async (fixture, context) => {
    if (!hasChromium()) {
      context.skip('/usr/bin/chromium is not installed (CI installs it); browser test skipped');
    }
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'lbbench-report-'));
    onTestFinished(() => rm(outDir, { recursive: true, force: true }));
    const results = await readResults(path.join(FIXTURE_DIR, fixture));
    const { htmlPath } = await writeReport(results, outDir);
    const session = await launchChromium();
    onTestFinished(() => session.close());

    const page = await session.context.newPage();
    const events: PageEvents = { console: [], pageErrors: [], requests: [] };
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        events.console.push(`${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => events.pageErrors.push(error.message));
    page.on('request', (request) => events.requests.push(request.url()));
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) => {
        document.documentElement.setAttribute('data-csp-violation', event.violatedDirective + ' ' + event.blockedURI);
      });`,
    });
    // Anything but the report itself is aborted, so a stray fetch cannot leave the machine.
    const fileUrl = pathToFileURL(htmlPath).href;
    await session.context.route(
      (url) => url.href !== fileUrl,
      (route) => route.abort(),
    );

    await page.goto(fileUrl);
    await page.waitForSelector('html[data-charts="done"]', { timeout: 30_000 });

    expect(events.pageErrors).toEqual([]);
    expect(events.console).toEqual([]);
    expect(events.requests).toEqual([fileUrl]);
    expect(await page.getAttribute('html', 'data-csp-violation')).toBeNull();
    expect(await page.getAttribute('html', 'data-chart-errors')).toBeNull();

    const charts = await page.locator('.chart-view').all();
    expect(charts.length).toBeGreaterThanOrEqual(4);
    for (const chart of charts) {
      const box = await chart.locator('svg, canvas').first().boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(0);
      expect(box?.height ?? 0).toBeGreaterThan(0);
    }
    const embedded = JSON.parse((await page.locator('#lbbench-results').textContent()) ?? 'null') as unknown;
    expect(embedded).toMatchObject({ schemaVersion: 1, scenario: { name: results.scenario.name } });

    const shotDir = await mkdtemp(path.join(os.tmpdir(), 'lbbench-screenshot-'));
    const shotPath = path.join(shotDir, fixture.replace(/\.json$/, '.png'));
    await page.screenshot({ path: shotPath, fullPage: true });
    process.stdout.write(`report screenshot: ${shotPath}\n`);
  });
});
