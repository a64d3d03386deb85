import { appendFile } from 'node:fs/promises';
import type { CliIo } from './cli-io.js';

/**
 * Appends Markdown to the GitHub Actions job summary when `$GITHUB_STEP_SUMMARY` names a file. A summary that
 * cannot be written is a warning on stderr, not a failure: the verdict and its exit code stand.
 */
export async function appendStepSummary(
  io: Pick<CliIo, 'env' | 'stderr'>,
  renderMarkdown: () => string | Promise<string>,
): Promise<void> {
  const target = io.env.GITHUB_STEP_SUMMARY;
  if (target === undefined || target === '') return;
  try {
    await appendFile(target, `${await renderMarkdown()}\n`);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    io.stderr.write(`warning: could not append to $GITHUB_STEP_SUMMARY (${target}): ${detail}\n`);
  }
}
