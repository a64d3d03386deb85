import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Backend } from '../../../src/backends/backend.js';
import { CollectError } from '../../../src/errors.js';
import type { ProgressSink } from '../../../src/progress.js';
import type { ResultsFile } from '../../../src/results/types.js';
import { runBenchmark } from '../../../src/run/run-benchmark.js';
import { createLocalTestScenario } from '../../support/local-scenario.js';

/** A backend whose proxy answers nothing (port 1 on loopback refuses) and whose proxy removal fails. */
function createBrokenBackend(calls: string[]): Backend {
  const record = (name: string) => (): Promise<void> => {
    calls.push(name);
    return Promise.resolve();
  };
  return {
    kind: 'local',
    up: record('up'),
    reset: record('reset'),
    deployProxy: () => {
      calls.push('deployProxy');
      return Promise.resolve({
        trafficUrl: 'http://127.0.0.1:1',
        adminUrl: 'http://127.0.0.1:1',
        proxy: { kind: 'lbbench', version: 'test', command: 'none', isSeeded: true },
      });
    },
    pods: () => Promise.resolve([]),
    scale: record('scale'),
    kill: record('kill'),
    slow: record('slow'),
    removeProxy: () => {
      calls.push('removeProxy');
      return Promise.reject(new Error('the proxy would not stop'));
    },
    down: record('down'),
    environment: () => ({ backend: 'local', upstreamServer: 'none', details: {} }),
  };
}

describe('runBenchmark when a run fails', () => {
  it('reports the measurement failure (not the failed proxy removal after it), brings the backend down and writes results.json', async () => {
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'lbbench-failure-'));
    onTestFinished(() => rm(outDir, { recursive: true, force: true }));
    const calls: string[] = [];
    const warnings: string[] = [];
    const progress: ProgressSink = {
      step: () => undefined,
      update: () => undefined,
      warn: (m) => warnings.push(m),
    };
    const outcome = await runBenchmark({
      scenario: createLocalTestScenario(),
      backend: createBrokenBackend(calls),
      outDir,
      command: ['lbbench', 'run'],
      signal: new AbortController().signal,
      progress,
    });
    expect(outcome.failure).toBeInstanceOf(CollectError);
    expect(calls).toEqual(['up', 'deployProxy', 'removeProxy', 'down']);
    expect(warnings).toEqual(['removing the ROUND_ROBIN proxy failed: the proxy would not stop']);
    const written = JSON.parse(await readFile(path.join(outDir, 'results.json'), 'utf8')) as ResultsFile;
    expect(written.status).toBe('failed');
    expect(written.error).toMatch(/127\.0\.0\.1:1.*Is the proxy's admin endpoint up\?/);
  });
});
