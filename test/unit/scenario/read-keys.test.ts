import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../src/errors.js';
import type { InputIssue } from '../../../src/errors.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';

function parseKeys(keys: string, extra = ''): { keys: unknown; issues: readonly InputIssue[] } {
  const text = `name: k\nload:\n  duration: 10s\n  keys: ${keys}\n${extra}`;
  try {
    return { keys: parseScenario(text, 'keys.yaml').load.keys, issues: [] };
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return { keys: undefined, issues: error.issues };
  }
}

describe('load.keys', () => {
  it('reads zipf keys with their exponent', () => {
    expect(parseKeys('{ header: x-user-id, count: 1000, distribution: zipf, exponent: 1.1 }').keys).toEqual({
      header: 'x-user-id',
      count: 1000,
      distribution: 'zipf',
      exponent: 1.1,
    });
  });

  it('reads uniform keys without an exponent', () => {
    expect(parseKeys('{ header: x-k, count: 5, distribution: uniform }').keys).toEqual({
      header: 'x-k',
      count: 5,
      distribution: 'uniform',
      exponent: undefined,
    });
  });

  it('leaves keys undefined when absent', () => {
    expect(parseScenario('name: k\n', 'k.yaml').load.keys).toBeUndefined();
  });

  it.each([
    ['{ count: 10, distribution: uniform }', 'load.keys.header', 'is required'],
    ['{ header: X-User-Id, count: 10, distribution: uniform }', 'load.keys.header', 'write "x-user-id"'],
    ['{ header: "x user", count: 10, distribution: uniform }', 'load.keys.header', 'HTTP header name'],
    ['{ header: x-u, distribution: uniform }', 'load.keys.count', 'is required'],
    ['{ header: x-u, count: 0, distribution: uniform }', 'load.keys.count', 'integer from 1'],
    ['{ header: x-u, count: 10, distribution: pareto }', 'load.keys.distribution', 'zipf'],
    [
      '{ header: x-u, count: 10, distribution: zipf }',
      'load.keys.exponent',
      'is required for distribution zipf',
    ],
    [
      '{ header: x-u, count: 10, distribution: zipf, exponent: 0 }',
      'load.keys.exponent',
      'must be a number > 0',
    ],
    [
      '{ header: x-u, count: 10, distribution: uniform, exponent: 1 }',
      'load.keys.exponent',
      'only applies to distribution zipf',
    ],
    ['{ header: x-u, count: 10, distribution: uniform, skew: 1 }', 'load.keys.skew', ''],
    ['users', 'load.keys', 'mapping'],
  ])('refuses %s at %s', (keys, path, message) => {
    const { issues } = parseKeys(keys);
    const issue = issues.find((candidate) => candidate.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toContain(message);
  });

  it('refuses a gate on a key metric when the scenario sends no keys', () => {
    let issues: readonly InputIssue[] = [];
    try {
      parseScenario("name: k\ngates: ['RING_HASH: keys_moved <= 0.3']\npolicies: [RING_HASH]\n", 'k.yaml');
    } catch (error) {
      if (error instanceof ScenarioError) issues = error.issues;
    }
    expect(issues).toEqual([
      expect.objectContaining({ path: 'gates', message: expect.stringContaining('set load.keys') as string }),
    ]);
  });

  it('accepts a gate on a key metric when the scenario sends keys', () => {
    const { issues } = parseKeys(
      '{ header: x-u, count: 10, distribution: uniform }',
      "policies: [RING_HASH]\ngates: ['RING_HASH: keys_moved <= 0.3']\n",
    );
    expect(issues).toEqual([]);
  });
});
