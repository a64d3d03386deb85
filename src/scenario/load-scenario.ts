import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from '../errors.js';
import { parseScenario } from './parse-scenario.js';
import type { Scenario } from './types.js';

// From src/scenario/ (tests, tsx) and from dist/src/scenario/ (the built CLI) the package root is two or three up.
const BUNDLED_DIR_CANDIDATES = ['../../scenarios/', '../../../scenarios/'];

/**
 * Reads and parses a scenario file.
 * @throws ScenarioError when the file cannot be read (a missing file lists the bundled scenarios) or is invalid.
 */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(path, [{ path: '', message: await describeReadFailure(error) }], {
      cause: error,
    });
  }
  return parseScenario(text, path);
}

/** The scenario files shipped in `scenarios/`, as `scenarios/NAME.yaml`, sorted; empty when the folder is missing. */
export async function listBundledScenarios(): Promise<string[]> {
  for (const candidate of BUNDLED_DIR_CANDIDATES) {
    try {
      const names = await readdir(fileURLToPath(new URL(candidate, import.meta.url)));
      return names
        .filter((name) => name.endsWith('.yaml'))
        .sort()
        .map((name) => `scenarios/${name}`);
    } catch {
      // Not this layout; try the next candidate.
    }
  }
  return [];
}

async function describeReadFailure(error: unknown): Promise<string> {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const bundled = await listBundledScenarios();
    const hint = bundled.length === 0 ? '' : `; bundled scenarios: ${bundled.join(', ')}`;
    return `no such scenario file${hint}`;
  }
  if (code === 'EISDIR') return 'is a folder, not a scenario file';
  return `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
}
