import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Where Debian and most distributions put daemons (nginx, haproxy), which users' PATH often lacks. */
const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin'];

/** Returns the path of an executable `name` on PATH, in the sbin folders or in `extraDirs`, or undefined. */
export async function findProgram(
  name: string,
  extraDirs: readonly string[] = [],
  pathVariable = process.env.PATH ?? '',
): Promise<string | undefined> {
  const dirs = [...pathVariable.split(delimiter).filter((dir) => dir !== ''), ...SBIN_DIRS, ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next folder.
    }
  }
  return undefined;
}
