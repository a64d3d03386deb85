import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../src/errors.js';
import type { InputIssue } from '../../../src/errors.js';
import { applyOverrides } from '../../../src/scenario/apply-overrides.js';
import type { ScenarioOverrides } from '../../../src/scenario/apply-overrides.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';

const BASE = parseScenario(
  [
    'name: base',
    'replicas: 4',
    'upstream: { pods: [{ index: 3, delay: 20ms }] }',
    'events: [{ at: 8s, kill: 2 }]',
    'gates: ["ROUND_ROBIN: jain >= 0.999", { policy: RANDOM, assert: ["cv <= 3 * null_cv"] }, "*: error_rate == 0"]',
  ].join('\n'),
  'scenarios/base.yaml',
);

function collectIssues(overrides: ScenarioOverrides): readonly InputIssue[] {
  try {
    applyOverrides(BASE, overrides, 'command line');
    return [];
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    expect(error.file).toBe('command line');
    return error.issues;
  }
}

describe('applyOverrides', () => {
  it('returns an equal scenario without overrides and leaves the input alone', () => {
    expect(applyOverrides(BASE, {}, 'command line')).toEqual(BASE);
  });

  it('applies every flag with the scenario rules', () => {
    const scenario = applyOverrides(
      BASE,
      {
        replicas: '6',
        duration: '30s',
        warmup: '0',
        connections: '100',
        rate: '2500.5',
        generators: '3',
        backend: 'SIM',
        seed: '7',
        repetitions: '5',
        concurrency: '4',
        proxy: 'envoy',
      },
      'command line',
    );
    expect(scenario).toMatchObject({
      replicas: 6,
      backend: 'sim',
      seed: 7,
      repetitions: 5,
      proxy: { kind: 'envoy', concurrency: 4, dnsRefreshRateMs: 5000 },
      load: {
        connections: 100,
        durationMs: 30_000,
        warmupMs: 0,
        rateRps: 2500.5,
        timeoutMs: 10_000,
        generators: 3,
      },
    });
    expect(BASE.replicas).toBe(4);
  });

  it('replaces the policies, drops scenario gates for policies no longer run and adds --gate gates', () => {
    const scenario = applyOverrides(
      BASE,
      { policies: 'random,least_request', gate: ['LEAST_REQUEST: cv <= 0.1', 'p99_ms < 50'] },
      'command line',
    );
    expect(scenario.policies.map((row) => row.name)).toEqual(['RANDOM', 'LEAST_REQUEST']);
    expect(scenario.gates).toEqual([
      { row: 'RANDOM', expression: 'cv <= 3 * null_cv', origin: 'scenario' },
      { row: '*', expression: '*: error_rate == 0', origin: 'scenario' },
      { row: 'LEAST_REQUEST', expression: 'LEAST_REQUEST: cv <= 0.1', origin: 'cli' },
      { row: '*', expression: 'p99_ms < 50', origin: 'cli' },
    ]);
  });

  it.each([
    [{ connections: 'ten' }, '--connections', 'must be an integer from 1 to 10000, got "ten" (string)'],
    [{ connections: '2.5' }, '--connections', 'must be an integer from 1 to 10000, got 2.5 (number)'],
    [{ replicas: '0' }, '--replicas', 'must be an integer from 1 to 250, got 0 (number)'],
    [{ concurrency: '65' }, '--concurrency', 'must be an integer from 1 to 64, got 65 (number)'],
    [{ repetitions: '' }, '--repetitions', 'must be an integer from 1 to 100, got "" (string)'],
    [{ seed: '-3' }, '--seed', 'must be an integer from 0 to 4294967295, got -3 (number)'],
    [
      { duration: '10' },
      '--duration',
      'must be a duration like "500ms", "10s", "1.5s" or "1m", got "10" (string); add a unit, e.g. "10s" or "10ms"',
    ],
    [{ warmup: '2h' }, '--warmup', 'must be a duration from 0s to 1h, got "2h" (string)'],
    [{ rate: '0' }, '--rate', 'must be a number > 0 (requests per second), got 0 (number)'],
    [{ backend: 'docker' }, '--backend', 'must be one of local, kind, kube, sim, got "docker" (string)'],
    [
      { proxy: 'envoyy' },
      '--proxy',
      'must be one of lbbench, envoy, got "envoyy" (string); did you mean "envoy"?',
    ],
    [
      { policies: 'ROUND_ROBIN,RANDON' },
      '--policies[1]',
      'must be one of ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, got "RANDON" (string); did you mean "RANDOM"?',
    ],
    [
      { gate: ['jain >== 1'] },
      '--gate',
      'gate "jain >== 1": unexpected "=" at column 8, expected a number, metric or "("',
    ],
    [
      { gate: ['MAGLEV: cv < 1'] },
      '--gate',
      'gate "MAGLEV: cv < 1" is for row MAGLEV, which is not among the rows (ROUND_ROBIN, LEAST_REQUEST, RANDOM)',
    ],
  ] as const)('rejects %j', (overrides, path, message) => {
    expect(collectIssues(overrides)).toEqual([{ path, message }]);
  });

  it('reports every bad flag at once', () => {
    expect(collectIssues({ replicas: 'x', connections: 'y' }).map((issue) => issue.path)).toEqual([
      '--replicas',
      '--connections',
    ]);
  });

  it('re-runs the checks across fields on the result', () => {
    expect(collectIssues({ replicas: '3', duration: '5s' })).toEqual([
      {
        path: 'upstream.pods[0].index',
        message: 'must be below replicas (3), got 3; pods are numbered from 0',
      },
      { path: 'events[0].at', message: 'must be within the load duration (5s), got 8s' },
    ]);
    expect(collectIssues({ generators: '51' })).toEqual([
      {
        path: 'load.generators',
        message: 'must be at most load.connections (50) so every generator drives ≥ 1 connection, got 51',
      },
    ]);
    expect(collectIssues({ generators: '0' })).toEqual([
      { path: '--generators', message: 'must be an integer from 1 to 100, got 0 (number)' },
    ]);
    expect(collectIssues({ rate: '10' })).toEqual([
      {
        path: 'load.rate',
        message:
          'must be at least load.connections (50) so every connection sends ≥ 1 request per second, got 10; lower load.connections for a slower rate',
      },
    ]);
  });
});
