import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../src/errors.js';
import type { InputIssue } from '../../../src/errors.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../../src/scenario/types.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import { CLUSTER_IP_ROW } from '../../../src/scenario/cluster-ip-row.js';

const FIXTURES = new URL('../../fixtures/scenarios/', import.meta.url);
const readFixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

/** The issues parseScenario reports for `text`, or [] when it parses. */
function collectIssues(text: string, file = 'test.yaml'): readonly InputIssue[] {
  try {
    parseScenario(text, file);
    return [];
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.issues;
  }
}

const DEFAULTS: Omit<Scenario, 'name' | 'sourcePath'> = {
  description: '',
  backend: 'local',
  replicas: 3,
  policies: [envoyRow('ROUND_ROBIN'), envoyRow('LEAST_REQUEST'), envoyRow('RANDOM')],
  repetitions: 1,
  seed: 1,
  proxy: {
    kind: 'lbbench',
    concurrency: 1,
    dnsRefreshRateMs: 5000,
    respectDnsTtl: false,
    command: undefined,
    image: undefined,
    outlierDetection: undefined,
    healthCheck: undefined,
    template: undefined,
    retries: undefined,
  },
  load: {
    connections: 50,
    durationMs: 10_000,
    warmupMs: 2000,
    rateRps: undefined,
    timeoutMs: 10_000,
    path: '/',
    generators: 1,
  },
  upstream: { server: 'auto', delayMs: 0, pods: [] },
  events: [],
  gates: [],
  kind: { clusterName: 'lbbench', workers: 0, reuse: false, nodeImage: undefined },
  kube: { context: undefined, namespace: 'lbbench', clusterDomain: 'cluster.local', image: undefined },
  sim: { serviceTime: 'fixed', baseServiceTimeMs: 1, requests: undefined },
};

describe('parseScenario: valid files', () => {
  it('fills every default for a file with only a name', () => {
    expect(parseScenario(readFixture('minimal.yaml'), 'minimal.yaml')).toEqual({
      ...DEFAULTS,
      name: 'minimal',
      sourcePath: 'minimal.yaml',
    });
  });

  it('reads every field of a complete file', () => {
    const scenario = parseScenario(readFixture('full.yaml'), 'full.yaml');
    expect(scenario).toEqual({
      name: 'full-example',
      description: 'Every field set',
      sourcePath: 'full.yaml',
      backend: 'local',
      replicas: 4,
      policies: [envoyRow('ROUND_ROBIN'), envoyRow('LEAST_REQUEST'), envoyRow('RANDOM'), envoyRow('MAGLEV')],
      repetitions: 3,
      seed: 42,
      proxy: {
        kind: 'envoy',
        concurrency: 2,
        dnsRefreshRateMs: 2000,
        respectDnsTtl: true,
        command: ['envoy', '--log-level', 'warn'],
        image: 'example.invalid/proxy:1',
      },
      load: {
        connections: 20,
        durationMs: 90_000,
        warmupMs: 500,
        rateRps: 5000,
        timeoutMs: 2500,
        path: '/healthz',
        generators: 2,
      },
      upstream: {
        server: 'node',
        delayMs: 1,
        pods: [
          { index: 0, delayMs: 20 },
          { index: 3, delayMs: 0 },
        ],
      },
      events: [
        { atMs: 2000, action: 'slow', pod: 1, delayMs: 50 },
        { atMs: 3000, action: 'kill', pod: 3 },
        { atMs: 5000, action: 'scale', replicas: 6 },
        { atMs: 6000, action: 'slow', pod: 5, delayMs: 1000 },
      ],
      gates: [
        { row: 'ROUND_ROBIN', expression: 'ROUND_ROBIN: jain >= 0.999', origin: 'scenario' },
        { row: 'RANDOM', expression: 'cv <= 3 * null_cv', origin: 'scenario' },
        { row: 'RANDOM', expression: 'chi2_pvalue >= 0.001', origin: 'scenario' },
        { row: 'LEAST_REQUEST', expression: 'p95(cv_over_null) <= 3', origin: 'scenario' },
        { row: '*', expression: '*: error_rate == 0', origin: 'scenario' },
        { row: '*', expression: 'zero_hit_pods == 0', origin: 'scenario' },
      ],
      kind: { clusterName: 'bench-1', workers: 2, reuse: true, nodeImage: 'kindest/node:v1.31.0' },
      kube: {
        context: 'my-context',
        namespace: 'perf',
        clusterDomain: 'k8s.example.org',
        image: 'registry.example/lbbench:1',
      },
      sim: { serviceTime: 'exponential', baseServiceTimeMs: 0.5, requests: 1000 },
    });
  });

  it.each([
    ['policies: "random, round-robin"', ['RANDOM', 'ROUND_ROBIN']],
    ['policies: [least-request]', ['LEAST_REQUEST']],
    ['policies: [RING_HASH, maglev]', ['RING_HASH', 'MAGLEV']],
  ])('normalizes %s', (line, policies) => {
    expect(parseScenario(`name: p\n${line}\n`, 'p.yaml').policies.map((row) => row.name)).toEqual(policies);
  });

  it('reads an unquoted gate, which YAML makes a one-key mapping', () => {
    const scenario = parseScenario(
      'name: g\ngates:\n  - RANDOM: cv <= 0.1\n  - round_robin: [jain >= 0.99]\n',
      'g.yaml',
    );
    expect(scenario.gates).toEqual([
      { row: 'RANDOM', expression: 'cv <= 0.1', origin: 'scenario' },
      { row: 'ROUND_ROBIN', expression: 'jain >= 0.99', origin: 'scenario' },
    ]);
  });

  it('accepts an event at the last millisecond of the load and sections left empty', () => {
    const scenario = parseScenario(
      'name: e\nload: { duration: 1s }\nevents: [{ at: 999ms, kill: 2 }]\nkind:\n',
      'e.yaml',
    );
    expect(scenario.events).toEqual([{ atMs: 999, action: 'kill', pod: 2 }]);
    expect(scenario.kind.clusterName).toBe('lbbench');
  });
});

describe('parseScenario: invalid files', () => {
  it('collects every issue of a file into one ScenarioError', () => {
    let caught: unknown;
    try {
      parseScenario(readFixture('invalid-fields.yaml'), 'scenarios/rr.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    const error = caught as ScenarioError;
    expect(error.code).toBe('LBB_SCENARIO_INVALID');
    expect(error.file).toBe('scenarios/rr.yaml');
    expect(error.message.split('\n')).toEqual([
      'scenarios/rr.yaml: conections: unknown field; did you mean "load.connections"? Known fields: name, description, backend, replicas, policies, repetitions, seed, proxy, load, upstream, events, gates, kind, kube, sim',
      'scenarios/rr.yaml: name: must be a name of lowercase letters, digits and "-", got "Rr Test" (string)',
      'scenarios/rr.yaml: replicas: must be an integer from 1 to 250, got "ten" (string)',
      'scenarios/rr.yaml: policies[0]: must be one of ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, got "ROUND_ROBN" (string); did you mean "ROUND_ROBIN"?',
      'scenarios/rr.yaml: policies[2]: row name "RANDOM" is already used by policies[1]; row names must be unique, e.g. { policy: RANDOM, name: RANDOM-2, … }',
      'scenarios/rr.yaml: proxy.dns_refresh_rate: unknown field; did you mean "dnsRefreshRate"? Known fields: kind, concurrency, dnsRefreshRate, respectDnsTtl, command, image, outlierDetection, healthCheck, template, retries',
      'scenarios/rr.yaml: proxy.concurrency: must be an integer from 1 to 64, got 0 (number)',
      'scenarios/rr.yaml: load.connections: must be an integer from 1 to 10000, got "ten" (string)',
      'scenarios/rr.yaml: load.duration: must be a duration like "500ms", "10s", "1.5s" or "1m", got 10 (number); add a unit, e.g. "10s" or "10ms"',
      'scenarios/rr.yaml: load.warmup: must be a duration like "500ms", "10s", "1.5s" or "1m" and not negative, got "-1s" (string)',
      'scenarios/rr.yaml: events[1]: must have exactly one of scale, kill, slow, fail, hang, recover, got scale and kill',
      'scenarios/rr.yaml: gates[0]: gate "ROUND_ROBIN: jain >== 0.9": unexpected "=" at column 21, expected a number, metric or "("',
      'scenarios/rr.yaml: gates[1].assert[0]: gate "cv <= 3 * nul_cv": unknown metric "nul_cv" at column 11; did you mean "null_cv"? Known metrics: jain, cv, cv_over_null, null_cv, max_over_mean, min_over_mean, zero_hit_pods, chi2, chi2_pvalue, p50_ms, p90_ms, p99_ms, p999_ms, max_ms, rps, error_rate, requests, slow_pod_share, achieved_rate_ratio, rate_jain, rate_cv, convergence_ms, errors_after_kill, removed_traffic_ms, slow_share_before, slow_share_after, key_affinity, keys_moved, hot_pod_share',
    ]);
  });

  it('quotes an unknown key holding a dot, so that it cannot pass for the nested field', () => {
    expect(collectIssues('name: rr\n"load.duration": 5s\n').map((issue) => issue.path)).toEqual([
      '"load.duration"',
    ]);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(collectIssues(readFixture('bad-syntax.txt'))).toEqual([
      {
        path: '',
        message:
          'invalid YAML at line 4, column 3: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
    expect(collectIssues('name: a\nname: b\n')).toEqual([
      { path: '', message: 'invalid YAML at line 2, column 1: Map keys must be unique' },
    ]);
    expect(collectIssues('name: x\nload: *nope\n')[0]?.message).toMatch(/^invalid YAML/);
  });

  it.each([
    ['', [{ path: '', message: 'is empty; a scenario needs at least a name, e.g. "name: quickstart"' }]],
    [
      '- 1\n',
      [
        {
          path: '',
          message:
            'must be a mapping of name, description, backend, replicas, policies, repetitions, seed, proxy, load, upstream, events, gates, kind, kube, sim, got a list',
        },
      ],
    ],
    [
      'replicas: 2\n',
      [{ path: 'name', message: 'is required: a name of lowercase letters, digits and "-"' }],
    ],
    [
      'name: x\nload: 5\n',
      [
        {
          path: 'load',
          message:
            'must be a mapping of connections, duration, warmup, rate, timeout, path, generators, keys, got 5 (number)',
        },
      ],
    ],
    [
      'name: x\nevents: {}\n',
      [{ path: 'events', message: 'must be a list of events like { at: 5s, scale: 5 }, got a mapping' }],
    ],
    [
      'name: x\npolicies: []\n',
      [
        {
          path: 'policies',
          message:
            'must list at least one policy of ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, got an empty list',
        },
      ],
    ],
    [
      'name: x\nevents: [{ at: 3s, kill: 0 }, { at: 1s, kill: 1 }]\n',
      [{ path: 'events[1].at', message: 'is earlier than the event before it; list events in time order' }],
    ],
    [
      'name: x\nevents: [{ at: 3s, kill: 0 }, { at: 5, kill: 1 }, { kill: 1 }]\n',
      [
        {
          path: 'events[1].at',
          message:
            'must be a duration like "500ms", "10s", "1.5s" or "1m", got 5 (number); add a unit, e.g. "5s" or "5ms"',
        },
        { path: 'events[2].at', message: 'is required: when the event happens, e.g. 5s' },
      ],
    ],
    [
      'name: x\nkind: { reuse: "yes" }\n',
      [{ path: 'kind.reuse', message: 'must be true or false, got "yes" (string)' }],
    ],
    [
      'name: x\nload: { timeout: 2h }\n',
      [{ path: 'load.timeout', message: 'must be a duration from 1ms to 1h, got "2h" (string)' }],
    ],
    [
      'name: x\nload: { generators: two }\n',
      [{ path: 'load.generators', message: 'must be an integer from 1 to 100, got "two" (string)' }],
    ],
    [
      'name: x\nload: { rate: fast }\n',
      [{ path: 'load.rate', message: 'must be a number > 0 (requests per second), got "fast" (string)' }],
    ],
    [
      'name: x\nproxy: { command: [] }\n',
      [
        {
          path: 'proxy.command',
          message: 'must be a non-empty list of strings (a command and its arguments), got a list',
        },
      ],
    ],
    [
      'name: x\nupstream: { pods: [{ delay: 1ms }, 3] }\n',
      [
        { path: 'upstream.pods[0].index', message: 'is required: the 0-based pod index' },
        {
          path: 'upstream.pods[1]',
          message: 'must be a mapping of index, delay, capacity, latency, errorRate, got 3 (number)',
        },
      ],
    ],
    [
      'name: x\nevents: [{ slow: { pod: 0 } }, 7]\n',
      [
        { path: 'events[0].at', message: 'is required: when the event happens, e.g. 5s' },
        { path: 'events[0].slow.delay', message: 'is required: the latency to add, e.g. 50ms' },
        { path: 'events[1]', message: 'must be a mapping like { at: 5s, scale: 5 }, got 7 (number)' },
      ],
    ],
    [
      'name: x\ngates: [5, { policy: x, assert: "cv < 1" }, { row: RANDOM }, { row: RANDOM, policy: RANDOM, assert: "cv < 1" }]\n',
      [
        {
          path: 'gates[0]',
          message: 'must be a gate like "ROUND_ROBIN: jain >= 0.999" or { row, assert }, got 5 (number)',
        },
        {
          path: 'gates[1].policy',
          message: 'must name one of the rows (ROUND_ROBIN, LEAST_REQUEST, RANDOM) or *, got "x" (string)',
        },
        {
          path: 'gates[2].assert',
          message: 'is required: a gate or a list of gates, e.g. ["jain >= 0.999"]',
        },
        {
          path: 'gates[3].policy',
          message: 'names the row a second time, next to row; give only row (policy is its older spelling)',
        },
      ],
    ],
  ])('reports the issues of %j', (text, issues) => {
    expect(collectIssues(text)).toEqual(issues);
  });
});

describe('parseScenario: checks across fields', () => {
  it.each([
    [
      'replicas: 2\nupstream: { pods: [{ index: 2, delay: 1ms }, { index: 1, delay: 1ms }, { index: 1, delay: 2ms }] }',
      [
        {
          path: 'upstream.pods[0].index',
          message: 'must be below replicas (2), got 2; pods are numbered from 0',
        },
        { path: 'upstream.pods[2].index', message: 'pod 1 is listed twice' },
      ],
    ],
    [
      'load: { duration: 10s }\nevents: [{ at: 10s, scale: 4 }, { at: 12s, kill: 0 }]',
      [
        { path: 'events[0].at', message: 'must be within the load duration (10s), got 10s' },
        { path: 'events[1].at', message: 'must be within the load duration (10s), got 12s' },
      ],
    ],
    [
      'replicas: 3\nevents: [{ at: 1s, kill: 3 }, { at: 2s, scale: 5 }, { at: 3s, kill: 4 }, { at: 4s, scale: 2 }, { at: 5s, slow: { pod: 2, delay: 1ms } }]',
      [
        {
          path: 'events[0].kill',
          message: 'must be a pod index below the 3 replica(s) running at 1s, got 3',
        },
        {
          path: 'events[4].slow.pod',
          message: 'must be a pod index below the 2 replica(s) running at 5s, got 2',
        },
      ],
    ],
    [
      'backend: kind\nproxy: { command: [envoy] }',
      [
        {
          path: 'proxy.command',
          message:
            'only works with backend local (it runs a local process), but backend is kind; use proxy.image on kind or kube',
        },
      ],
    ],
    [
      'load: { connections: 2, generators: 3 }',
      [
        {
          path: 'load.generators',
          message: 'must be at most load.connections (2) so every generator drives ≥ 1 connection, got 3',
        },
      ],
    ],
    [
      'load: { connections: 50, rate: 20 }',
      [
        {
          path: 'load.rate',
          message:
            'must be at least load.connections (50) so every connection sends ≥ 1 request per second, got 20; lower load.connections for a slower rate',
        },
      ],
    ],
    [
      'policies: [RANDOM]\ngates: ["ROUND_ROBIN: jain >= 0.9", "*: cv < 1"]',
      [
        {
          path: 'gates[0]',
          message:
            'gate "ROUND_ROBIN: jain >= 0.9" is for row ROUND_ROBIN, which is not among the rows (RANDOM)',
        },
      ],
    ],
  ])('%s', (body, issues) => {
    expect(collectIssues(`name: x\n${body}\n`)).toEqual(issues);
  });

  it('does not judge a field against a default that replaced a bad value', () => {
    expect(
      collectIssues('name: x\nreplicas: lots\nupstream: { pods: [{ index: 7, delay: 1ms }] }\n'),
    ).toEqual([{ path: 'replicas', message: 'must be an integer from 1 to 250, got "lots" (string)' }]);
    expect(
      collectIssues(
        'name: x\nevents: [{ at: 1s, scale: many }, { at: 2s, kill: 9 }, { at: 20s, kill: 0 }]\n',
      ),
    ).toEqual([
      { path: 'events[0].scale', message: 'must be an integer from 1 to 250, got "many" (string)' },
      { path: 'events[2].at', message: 'must be within the load duration (10s), got 20s' },
    ]);
  });
});

describe('bundled scenarios', () => {
  const SCENARIO_DIR = new URL('../../../scenarios/', import.meta.url);
  const load = (name: string): Scenario =>
    parseScenario(readFileSync(new URL(`${name}.yaml`, SCENARIO_DIR), 'utf8'), `scenarios/${name}.yaml`);

  it.each([
    'quickstart',
    'ten-replicas',
    'workers-4',
    'heavy-load',
    'slow-pod',
    'scale-up',
    'open-loop',
    'ci-gates',
    'sim-100k',
    'why-l7',
  ])('%s parses and is named after its file', (name) => {
    const scenario = load(name);
    expect(scenario.name).toBe(name);
    expect(scenario.gates.length).toBeGreaterThan(0);
  });

  it('why-l7 puts the CLUSTER_IP baseline next to the proxy: 5 connections over 3 pods', () => {
    expect(load('why-l7')).toMatchObject({
      replicas: 3,
      policies: [CLUSTER_IP_ROW, envoyRow('ROUND_ROBIN'), envoyRow('LEAST_REQUEST')],
      load: { connections: 5, rateRps: undefined },
    });
  });

  it('quickstart is the write-up example', () => {
    const scenario = load('quickstart');
    expect(scenario).toMatchObject({
      backend: 'local',
      replicas: 3,
      policies: [envoyRow('ROUND_ROBIN'), envoyRow('LEAST_REQUEST'), envoyRow('RANDOM')],
      repetitions: 1,
      proxy: { concurrency: 1, dnsRefreshRateMs: 2000 },
      load: { connections: 50, durationMs: 10_000, warmupMs: 2000, rateRps: undefined },
      upstream: { server: 'auto' },
    });
  });

  it.each([
    ['workers-4', (s: Scenario) => s.proxy.concurrency === 4],
    ['heavy-load', (s: Scenario) => s.load.connections === 200],
    ['slow-pod', (s: Scenario) => s.upstream.pods[0]?.index === 0 && s.upstream.pods[0].delayMs === 20],
    [
      'scale-up',
      (s: Scenario) => s.replicas === 3 && s.events[0]?.action === 'scale' && s.events[0].replicas === 6,
    ],
    ['open-loop', (s: Scenario) => s.load.rateRps !== undefined],
    [
      'ci-gates',
      (s: Scenario) => s.repetitions === 5 && s.gates.some((g) => g.expression.startsWith('p95(cv)')),
    ],
    ['sim-100k', (s: Scenario) => s.backend === 'sim' && s.replicas === 10 && s.sim.requests === 100_000],
    ['ten-replicas', (s: Scenario) => s.replicas === 10],
  ])('%s sets what it is about', (name, holds) => {
    expect(holds(load(name))).toBe(true);
  });
});
