import { join, resolve } from 'node:path';

/** The repository's root folder. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * The built `.js` of a source file, `src/x/y.ts` → `<root>/dist/src/x/y.js`, for spawning it with plain `node`
 * (Node 20 cannot run `.ts`). The integration project's global setup (test/setup/build-once.ts) builds `dist/`.
 */
export function getDistPath(sourcePath: string): string {
  return join(REPO_ROOT, 'dist', sourcePath.replace(/\.ts$/, '.js'));
}
