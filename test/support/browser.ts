import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium; CI installs it, local machines may not have it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep the browser quiet: headless, no sandbox (containers), no background network traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Whether the chromium binary the browser tests need is installed. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** A headless chromium with a fresh profile; `close` stops it and deletes the profile. */
export interface ChromiumSession {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Debian's chromium through playwright-core with a fresh `--user-data-dir` in a temp folder. */
export async function launchChromium(): Promise<ChromiumSession> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'lbbench-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1280, height: 900 },
    });
    return {
      context,
      async close() {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

/** What a report page did when opened in chromium. */
export interface ReportPageCheck {
  readonly consoleMessages: readonly string[];
  readonly pageErrors: readonly string[];
  /** Every URL the page requested (anything but the file itself is aborted). */
  readonly requests: readonly string[];
  readonly fileUrl: string;
  readonly cspViolation: string | null;
  readonly chartErrors: string | null;
  /** Width × height of the first svg or canvas of each chart. */
  readonly chartSizes: readonly { readonly width: number; readonly height: number }[];
  /** The results embedded in the page. */
  readonly embedded: unknown;
}

/**
 * Opens a report.html from a file:// URL in a fresh chromium, waits for its charts, and reports console errors
 * and warnings, page errors, requests, CSP violations and the charts' sizes; saves a full-page screenshot to
 * `screenshotPath` when given.
 */
export async function checkReportInBrowser(
  htmlPath: string,
  screenshotPath?: string,
): Promise<ReportPageCheck> {
  const session = await launchChromium();
  try {
    const page = await session.context.newPage();
    const consoleMessages: string[] = [];
    const pageErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        consoleMessages.push(`${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
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
    const chartSizes = [];
    for (const chart of await page.locator('.chart-view').all()) {
      const box = await chart.locator('svg, canvas').first().boundingBox();
      chartSizes.push({ width: box?.width ?? 0, height: box?.height ?? 0 });
    }
    if (screenshotPath !== undefined) await page.screenshot({ path: screenshotPath, fullPage: true });
    return {
      consoleMessages,
      pageErrors,
      requests,
      fileUrl,
      cspViolation: await page.getAttribute('html', 'data-csp-violation'),
      chartErrors: await page.getAttribute('html', 'data-chart-errors'),
      chartSizes,
      embedded: JSON.parse((await page.locator('#lbbench-results').textContent()) ?? 'null') as unknown,
    };
  } finally {
    await session.close();
  }
}
