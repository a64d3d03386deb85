import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
