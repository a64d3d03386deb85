import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The lbbench package's root folder (where package.json, proxy/, cluster/ and scenarios/ are), found from this
 * module whether it runs from `src/` (tests) or from `dist/src/` (the installed CLI).
 */
export function getPackageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  const start = path.dirname(fileURLToPath(import.meta.url));
  let directory = start;
  for (;;) {
    const manifest = path.join(directory, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'lbbench'
    ) {
      cachedRoot = directory;
      return directory;
    }
    const parent = path.dirname(directory);
    if (parent === directory) {
      throw new Error(
        `cannot find the lbbench package root: no package.json named "lbbench" in ${start} or above`,
      );
    }
    directory = parent;
  }
}
