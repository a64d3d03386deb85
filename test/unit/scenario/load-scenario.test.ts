import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../src/errors.js';
import { listBundledScenarios, loadScenario } from '../../../src/scenario/load-scenario.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../fixtures/scenarios/${name}`, import.meta.url));

async function catchError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('loadScenario', () => {
  it('reads and parses a file, keeping its path', async () => {
    const path = fixture('minimal.yaml');
    const scenario = await loadScenario(path);
    expect(scenario.name).toBe('minimal');
    expect(scenario.sourcePath).toBe(path);
  });

  it('lists the bundled scenarios when the file is missing', async () => {
    const error = await catchError(loadScenario('scenarios/no-such-scenario.yaml'));
    expect(error).toBeInstanceOf(ScenarioError);
    const bundled = await listBundledScenarios();
    expect(bundled).toContain('scenarios/quickstart.yaml');
    expect((error as ScenarioError).message).toBe(
      `scenarios/no-such-scenario.yaml: no such scenario file; bundled scenarios: ${bundled.join(', ')}`,
    );
    expect((error as ScenarioError).cause).toMatchObject({ code: 'ENOENT' });
  });

  it('says when the path is a folder', async () => {
    const folder = fixture('');
    const error = await catchError(loadScenario(folder));
    expect((error as ScenarioError).issues).toEqual([
      { path: '', message: 'is a folder, not a scenario file' },
    ]);
  });

  it('passes parse errors through with the path', async () => {
    const path = fixture('bad-syntax.txt');
    const error = await catchError(loadScenario(path));
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message.startsWith(`${path}: invalid YAML at line 4`)).toBe(true);
  });
});

describe('listBundledScenarios', () => {
  it('lists every bundled scenario, sorted', async () => {
    expect(await listBundledScenarios()).toEqual([
      'scenarios/capacity.yaml',
      'scenarios/choice-count.yaml',
      'scenarios/ci-gates.yaml',
      'scenarios/failing-pod.yaml',
      'scenarios/hash-keys.yaml',
      'scenarios/heavy-load.yaml',
      'scenarios/lb-shootout.yaml',
      'scenarios/open-loop.yaml',
      'scenarios/pod-kill.yaml',
      'scenarios/quickstart.yaml',
      'scenarios/scale-up.yaml',
      'scenarios/sim-100k.yaml',
      'scenarios/slow-pod.yaml',
      'scenarios/ten-replicas.yaml',
      'scenarios/why-l7.yaml',
      'scenarios/workers-4.yaml',
    ]);
  });
});
