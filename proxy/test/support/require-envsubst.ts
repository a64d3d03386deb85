import { existsSync } from 'node:fs';
import path from 'node:path';

/** Whether `envsubst` (Debian's gettext-base, which the container entrypoint renders templates with) is on PATH. */
export function hasEnvsubst(): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  return dirs.some((dir) => existsSync(path.join(dir, 'envsubst')));
}

/**
 * Skips the running test when envsubst is missing; under `CI=true`, where `.ci/run` installs it, the test fails
 * instead, since a skip there means a broken install step. (The harness's test/support/system-tools.ts does the
 * same for every system package; the proxy package keeps this small copy of its own.)
 * @throws {Error} when envsubst is missing and CI=true.
 */
export function requireEnvsubst(context: { readonly skip: (note: string) => void }): void {
  if (hasEnvsubst()) return;
  if (process.env.CI === 'true') {
    throw new Error(
      'envsubst is not installed; CI installs it (gettext-base), so this is a broken install step',
    );
  }
  context.skip('envsubst is not installed; test skipped (CI installs it)');
}
