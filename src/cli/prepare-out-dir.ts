import { constants } from 'node:fs';
import { access, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** Files whose presence means a folder already holds the results of a run. */
const RESULT_FILES = ['results.json', 'report.html', 'summary.md', 'junit.xml'];

/** How an output folder is chosen: given with `--out` (refused when it holds results) or the default (made unique). */
export type OutDirChoice =
  { readonly kind: 'given'; readonly dir: string } | { readonly kind: 'default'; readonly dir: string };

async function findExisting(dir: string): Promise<{ readonly ancestor: string; readonly missing: string[] }> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const info = await stat(current).catch(() => undefined);
    if (info !== undefined) {
      if (!info.isDirectory()) {
        throw new UsageError(`--out ${dir}: ${current} is a file, not a folder; choose another --out`);
      }
      return { ancestor: current, missing };
    }
    missing.unshift(path.basename(current));
    current = path.dirname(current);
  }
}

async function holdsResults(dir: string): Promise<boolean> {
  const names: string[] = await readdir(dir).catch(() => []);
  return RESULT_FILES.some((name) => names.includes(name));
}

/**
 * Creates the missing folders one level at a time. Node's recursive mkdir spins forever under /proc, so the nearest
 * existing ancestor is checked first and every level is created with a plain mkdir.
 */
async function createLevels(dir: string, ancestor: string, missing: readonly string[]): Promise<void> {
  const cannot = (reason: string): UsageError =>
    new UsageError(`--out ${dir}: cannot create a folder under ${ancestor}: ${reason}; choose another --out`);
  if (missing.length === 0) return;
  try {
    await access(ancestor, constants.W_OK);
  } catch {
    throw cannot('it is not writable');
  }
  let current = ancestor;
  for (const name of missing) {
    current = path.join(current, name);
    try {
      await mkdir(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // /proc and /sys answer "no such file" for a name they do not provide, whatever the permissions say.
      throw cannot(describeRefusal(code));
    }
  }
}

/** Writes and removes a probe file: /proc and /sys pass an access check even where nothing can be created. */
async function probeWritable(dir: string): Promise<void> {
  const probe = path.join(dir, `.lbbench-write-test-${process.pid}`);
  try {
    await writeFile(probe, '');
  } catch (error) {
    const reason = describeRefusal((error as NodeJS.ErrnoException).code);
    throw new UsageError(`--out ${dir}: cannot write files there: ${reason}; choose another --out`);
  }
  await rm(probe, { force: true });
}

function describeRefusal(code: string | undefined): string {
  // /proc and /sys answer "no such file" for a name they do not provide, whatever the permissions say.
  if (code === 'ENOENT' || code === 'EPERM' || code === 'EACCES' || code === 'EROFS') {
    return 'it does not accept new files (a read-only or pseudo file system such as /proc?)';
  }
  return code === 'ENOSPC' ? 'the disk is full' : `the system refused (${code ?? 'unknown error'})`;
}

/**
 * Makes the output folder of a run and returns it. A folder given with `--out` that already holds results is
 * refused (exit 2) so a run never overwrites another; the default folder gets a `-2`, `-3`… suffix instead.
 */
export async function prepareOutDir(choice: OutDirChoice): Promise<string> {
  let dir = choice.dir;
  for (let suffix = 2; await holdsResults(dir); suffix++) {
    if (choice.kind === 'given') {
      throw new UsageError(
        `--out ${dir} already holds the results of a run; lbbench never overwrites one: choose another --out, ` +
          'or leave --out out for a fresh folder under reports/',
      );
    }
    dir = `${choice.dir}-${suffix}`;
  }
  const { ancestor, missing } = await findExisting(dir);
  await createLevels(dir, ancestor, missing);
  await probeWritable(dir);
  return dir;
}
