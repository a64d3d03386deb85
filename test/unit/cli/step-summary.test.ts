import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { appendStepSummary } from '../../../src/cli/step-summary.js';

async function createTempDir(): Promise<string> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'lbbench-summary-'));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

function createIo(env: Record<string, string>): {
  env: Record<string, string>;
  stderr: { write(text: string): void };
  text(): string;
} {
  let text = '';
  return { env, stderr: { write: (chunk) => (text += chunk) }, text: () => text };
}

describe('appendStepSummary', () => {
  it('appends the Markdown to $GITHUB_STEP_SUMMARY', async () => {
    const file = path.join(await createTempDir(), 'summary.md');
    const io = createIo({ GITHUB_STEP_SUMMARY: file });
    await appendStepSummary(io, () => '# one');
    await appendStepSummary(io, () => Promise.resolve('# two'));
    expect(await readFile(file, 'utf8')).toBe('# one\n# two\n');
    expect(io.text()).toBe('');
  });

  it('does nothing, not even render, outside GitHub Actions', async () => {
    const io = createIo({});
    await appendStepSummary(io, () => {
      throw new Error('must not render');
    });
    expect(io.text()).toBe('');
  });

  it('warns instead of failing when the summary file cannot be written', async () => {
    const directory = await createTempDir();
    const io = createIo({ GITHUB_STEP_SUMMARY: directory });
    await appendStepSummary(io, () => '# verdict');
    expect(io.text()).toMatch(/^warning: could not append to \$GITHUB_STEP_SUMMARY \(.*\): EISDIR/);
  });
});
