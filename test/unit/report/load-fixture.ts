import path from 'node:path';
import { readResults } from '../../../src/results/read-results.js';
import type { ResultsFile } from '../../../src/results/types.js';

/** The recorded results fixtures of test/fixtures/results. */
export const FIXTURE_NAMES = ['quickstart-3-policies', 'slow-pod-repetitions-partial', 'events-sim'] as const;

/** Reads a results fixture through the real reader (so fixtures stay valid against the schema). */
export function loadFixture(name: (typeof FIXTURE_NAMES)[number]): Promise<ResultsFile> {
  return readResults(path.join(import.meta.dirname, '../../fixtures/results', `${name}.json`));
}
