import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../../src/results/read-results.js';
import { serializeResults, writeFileAtomic, writeResults } from '../../../src/results/write-results.js';
import { createWorkDir } from '../../support/work-dir.js';

const FIXTURE = path.join(import.meta.dirname, '../../fixtures/results/slow-pod-repetitions-partial.json');

describe('writeResults', () => {
  it('writes pretty JSON that reads back equal, NaN included', async () => {
    const dir = await createWorkDir();
    const results = await readResults(FIXTURE);
    const file = path.join(dir, 'nested', 'results.json');
    await writeResults(results, file);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(serializeResults(results));
    expect(text.startsWith('{\n  "schemaVersion": 3,')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    const again = await readResults(file);
    expect(again).toEqual(results);
    expect(again.gates.at(-1)?.value).toBeNaN();
    expect(await readdir(path.dirname(file))).toEqual(['results.json']);
  });

  it('replaces an existing file whole', async () => {
    const dir = await createWorkDir();
    const file = path.join(dir, 'out.txt');
    await writeFile(file, 'x'.repeat(10_000));
    await writeFileAtomic(file, 'short\n');
    expect(await readFile(file, 'utf8')).toBe('short\n');
    expect(await readdir(dir)).toEqual(['out.txt']);
  });

  it('leaves no temporary file behind when the rename fails', async () => {
    const dir = await createWorkDir();
    const target = path.join(dir, 'taken');
    // A non-empty directory in the target's place makes the rename fail after the temporary file was written.
    await mkdir(path.join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['taken']);
  });
});
