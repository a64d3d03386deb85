import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResultsFile } from './types.js';

/**
 * Writes text to a file atomically: into a temporary file next to it, then renamed over it, so a reader or an
 * interrupted run never sees half a file. Creates the folder when missing.
 */
export async function writeFileAtomic(filePath: string, text: string): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true });
  const temporaryPath = `${filePath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporaryPath, text, 'utf8');
    await rename(temporaryPath, filePath);
  } catch (error) {
    // Clean up best-effort: the write or rename error is the one worth reporting.
    await rm(temporaryPath, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Serialises results as pretty JSON with a final newline (NaN and ±Infinity become null). */
export function serializeResults(results: ResultsFile): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/** Writes results.json atomically (temp file + rename). */
export async function writeResults(results: ResultsFile, filePath: string): Promise<void> {
  await writeFileAtomic(filePath, serializeResults(results));
}
