import { existsSync } from 'node:fs';
import path from 'node:path';

/** The system packages tests use when they are installed; `.ci/run` installs every one of them. */
export type SystemTool = 'nginx' | 'haproxy' | 'wrk' | 'chromium' | 'envsubst' | 'xmllint';

/** Whether the tests run in CI (`CI=true`), where a missing system package is a broken install step. */
function isCi(): boolean {
  return process.env.CI === 'true';
}

/** The first `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  return dirs.map((dir) => path.join(dir, name)).find((candidate) => existsSync(candidate));
}

function describeMissing(tool: SystemTool): string {
  return `${tool} is not installed`;
}

/**
 * Whether `tool` is there for an optional part of a test; when it is missing under `CI=true` it throws instead, so
 * that the run fails rather than quietly testing less.
 * @throws {Error} when the tool is missing and CI=true.
 */
export function checkSystemTool(tool: SystemTool, isPresent: boolean): boolean {
  if (!isPresent && isCi()) {
    throw new Error(
      `${describeMissing(tool)}; CI installs every system package the tests use, so this is a broken install step`,
    );
  }
  return isPresent;
}

/**
 * Skips the running test when `tool` is missing, naming it; under `CI=true` the test fails instead (see
 * {@link checkSystemTool}).
 */
export function requireSystemTool(
  context: { readonly skip: (note: string) => void },
  tool: SystemTool,
  isPresent: boolean,
): void {
  if (!checkSystemTool(tool, isPresent))
    context.skip(`${describeMissing(tool)}; test skipped (CI installs it)`);
}
