import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides } from '../../../src/scenario/apply-overrides.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';
import { formatDuration, printScenario } from '../../../src/scenario/print-scenario.js';
import type { Scenario } from '../../../src/scenario/types.js';

const ROOT = path.join(import.meta.dirname, '../../..');
const BUNDLED = readdirSync(path.join(ROOT, 'scenarios')).filter((name) => name.endsWith('.yaml'));

/** The ```yaml example of the README. */
function readReadmeExample(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  if (example === undefined) throw new Error('README.md has no ```yaml example');
  return example;
}

/** Prints a scenario, parses the print, and returns both sides without the file they came from. */
function roundTrip(scenario: Scenario): { readonly before: Scenario; readonly after: Scenario } {
  const printed = printScenario(scenario);
  const after = parseScenario(printed, 'printed.yaml');
  return { before: { ...scenario, sourcePath: '' }, after: { ...after, sourcePath: '' } };
}

describe('printScenario', () => {
  it.each(BUNDLED)('prints scenarios/%s as a file that validates to the same scenario', (name) => {
    const file = path.join('scenarios', name);
    const { before, after } = roundTrip(parseScenario(readFileSync(path.join(ROOT, file), 'utf8'), file));
    expect(after).toEqual(before);
  });

  it("validates the README's example and prints it back to the same scenario", () => {
    const scenario = parseScenario(readReadmeExample(), 'README.md');
    expect(scenario.events.length).toBeGreaterThan(0);
    const { before, after } = roundTrip(scenario);
    expect(after).toEqual(before);
  });

  it('keeps command-line overrides and extra gates, with every field in the scenario language', () => {
    const quickstart = parseScenario(
      readFileSync(path.join(ROOT, 'scenarios/quickstart.yaml'), 'utf8'),
      'quickstart.yaml',
    );
    const changed = applyOverrides(
      quickstart,
      { rate: '2500', duration: '1500ms', gate: ['RANDOM: cv <= 0.1'] },
      'command line',
    );
    const printed = printScenario(changed);
    for (const internal of ['durationMs', 'sourcePath', 'expression', 'origin', 'rateRps']) {
      expect(printed).not.toContain(internal);
    }
    const { before, after } = roundTrip(changed);
    expect(after).toEqual({
      ...before,
      gates: before.gates.map((gate) => ({ ...gate, origin: 'scenario' })),
    });
  });

  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1500, '1500ms'],
    [10_000, '10s'],
    [120_000, '2m'],
    [3_600_000, '1h'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('validation in one pass', () => {
  const parse = (text: string): string => {
    try {
      parseScenario(text, 's.yaml');
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return 'valid';
  };

  it('reports a kill target beyond the replicas together with a bad load duration', () => {
    const message = parse('name: s\nreplicas: 3\nload: { duration: ten }\nevents: [{ at: 2s, kill: 5 }]\n');
    expect(message).toContain('load.duration: must be a duration');
    expect(message).toContain('events[0].kill: must be a pod index below the 3 replica(s)');
  });

  it('reports a pod beyond the replicas in an event that is also out of order', () => {
    const message = parse('name: s\nreplicas: 3\nevents: [{ at: 2s, kill: 1 }, { at: 1s, kill: 4 }]\n');
    expect(message).toContain('events[1].at: is earlier than the event before it');
    expect(message).toContain(
      'events[1].kill: must be a pod index below the 3 replica(s) running at 1s, got 4',
    );
  });

  it('does not judge pod indexes after an unreadable event', () => {
    const message = parse(
      'name: s\nreplicas: 3\nevents: [{ at: 1s, kill: 1, scale: 5 }, { at: 2s, kill: 2 }]\n',
    );
    expect(message).toContain('events[0]: must have exactly one of scale, kill, slow, fail, hang, recover');
    expect(message).not.toContain('events[1]');
  });

  it('reports a bad flag together with the cross-field problems of the other flags', () => {
    const scenario = parseScenario('name: s\nreplicas: 3\nevents: [{ at: 2s, kill: 2 }]\n', 's.yaml');
    expect(() => applyOverrides(scenario, { replicas: '2', connections: 'zero' }, 'command line')).toThrow(
      /--connections: .*\n.*events\[0\]\.kill: must be a pod index below the 2 replica/,
    );
  });
});
