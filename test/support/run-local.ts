import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { createLocalBackend } from '../../src/backends/local/local-backend.js';
import { resolveProxyMain } from 'lbbench-proxy';
import { getPackageRoot } from '../../src/package-root.js';
import { SILENT_PROGRESS } from '../../src/progress.js';
import type { ResultsFile } from '../../src/results/types.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import type { Scenario } from '../../src/scenario/types.js';

/** The compiled pod and reaper entries of the local backend (Node 20 cannot run the TypeScript ones). */
const HELPER_DIR = path.join(getPackageRoot(), 'dist', 'src', 'backends', 'local');

/** Runs a scenario on the local backend in a temp folder removed after the test; fails the test on a failure. */
export async function runLocalBenchmark(
  scenario: Scenario,
): Promise<{ results: ResultsFile; outDir: string }> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'lbbench-run-'));
  onTestFinished(() => rm(outDir, { recursive: true, force: true }));
  const backend = createLocalBackend(scenario, {
    outDir,
    progress: SILENT_PROGRESS,
    proxyEntry: resolveProxyMain(),
    helperEntryDir: HELPER_DIR,
  });
  const outcome = await runBenchmark({
    scenario,
    backend,
    outDir,
    command: ['lbbench', 'run'],
    signal: new AbortController().signal,
    progress: SILENT_PROGRESS,
  });
  expect(outcome.failure).toBeUndefined();
  return { results: outcome.results, outDir };
}
