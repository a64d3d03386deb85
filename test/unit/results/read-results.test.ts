import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultsFileError } from '../../../src/errors.js';
import { parseResults, readResults } from '../../../src/results/read-results.js';
import { createWorkDir } from '../../support/work-dir.js';

const FIXTURE = path.join(import.meta.dirname, '../../fixtures/results/quickstart-3-policies.json');

function loadDocument(): Record<string, unknown> {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
}

/** Returns a copy of the fixture document with one field (dotted path, numeric array indexes) replaced or removed. */
function withField(fieldPath: string, value: unknown): unknown {
  const document = loadDocument();
  const keys = fieldPath.split('.');
  let target: Record<string, unknown> = document;
  for (const key of keys.slice(0, -1)) {
    target = target[key] as Record<string, unknown>;
  }
  const last = keys.at(-1) ?? '';
  if (value === undefined) {
    Reflect.deleteProperty(target, last);
  } else {
    target[last] = value;
  }
  return document;
}

async function writeTemp(name: string, text: string): Promise<string> {
  const dir = await createWorkDir();
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('rows of every proxy', () => {
  it.each([
    { name: 'CLUSTER_IP', proxy: 'cluster-ip', policy: 'CLUSTER_IP' },
    { name: 'haproxy:leastconn', proxy: 'haproxy', policy: 'leastconn' },
    { name: 'nginx:round_robin', proxy: 'nginx', policy: 'round_robin' },
  ])('reads back a run of row $name', (entry) => {
    expect(() => parseResults(withField('runs.0.entry', entry), 'rows.json')).not.toThrow();
  });

  it.each([
    {
      entry: { name: 'haproxy:least_conn', proxy: 'haproxy', policy: 'least_conn' },
      allowed: '"roundrobin", "leastconn", "random" for proxy "haproxy", got "least_conn"',
    },
    {
      entry: { name: 'nginx:leastconn', proxy: 'nginx', policy: 'leastconn' },
      allowed: '"round_robin", "least_conn", "random_two" for proxy "nginx", got "leastconn"',
    },
    {
      entry: { name: 'CLUSTER_IP', proxy: 'cluster-ip', policy: 'RANDOM' },
      allowed: '"CLUSTER_IP" for proxy "cluster-ip", got "RANDOM"',
    },
    {
      entry: { name: 'random', proxy: 'envoy', policy: 'random' },
      allowed:
        '"ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "RING_HASH", "MAGLEV" for proxy "envoy", got "random"',
    },
  ])(
    "refuses a run whose policy is not one of its proxy's ($entry.proxy: $entry.policy)",
    ({ entry, allowed }) => {
      expect(() => parseResults(withField('runs.1.entry', entry), 'rows.json')).toThrow(
        `rows.json: runs[1].entry.policy: must be one of ${allowed}`,
      );
    },
  );

  it("checks the scenario's rows against their proxies too", () => {
    const entry = { name: 'nginx:roundrobin', proxy: 'nginx', policy: 'roundrobin' };
    expect(() => parseResults(withField('scenario.policies.0', entry), 'rows.json')).toThrow(
      'rows.json: scenario.policies[0].policy: must be one of "round_robin", "least_conn", "random_two" for proxy "nginx", got "roundrobin"',
    );
  });
});

describe('readResults', () => {
  it('reads both fixtures', async () => {
    for (const name of ['quickstart-3-policies', 'slow-pod-repetitions-partial']) {
      const results = await readResults(
        path.join(import.meta.dirname, `../../fixtures/results/${name}.json`),
      );
      expect(results.schemaVersion).toBe(3);
      expect(results.runs.length).toBeGreaterThan(0);
    }
  });

  it('reads a version-2 file as rows named after their policies, with Envoy defaults', async () => {
    const dir = path.join(import.meta.dirname, '../../fixtures/results');
    const upgraded = await readResults(path.join(dir, 'quickstart-3-policies-v2.json'));
    const current = await readResults(path.join(dir, 'quickstart-3-policies.json'));
    expect(upgraded).toEqual(current);
    expect(upgraded.schemaVersion).toBe(3);
    expect(upgraded.scenario.policies[1]).toEqual({
      name: 'LEAST_REQUEST',
      proxy: 'envoy',
      policy: 'LEAST_REQUEST',
      settings: {},
    });
    expect(upgraded.runs.map((run) => [run.row, run.entry.policy])).toContainEqual(['RANDOM', 'RANDOM']);
    expect(upgraded.summaries.map((summary) => summary.row)).toEqual([
      'ROUND_ROBIN',
      'LEAST_REQUEST',
      'RANDOM',
    ]);
    expect(upgraded.gates.every((gate) => typeof gate.row === 'string')).toBe(true);
  });

  it('reports a bad version-2 field under its version-3 name', () => {
    const dir = path.join(import.meta.dirname, '../../fixtures/results');
    const document = JSON.parse(readFileSync(path.join(dir, 'quickstart-3-policies-v2.json'), 'utf8')) as {
      runs: { policy: unknown }[];
    };
    document.runs[0]!.policy = 'WEIGHTED';
    expect(() => parseResults(document, 'old.json')).toThrow(
      'old.json: runs[0].entry.policy: must be one of "ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "RING_HASH", "MAGLEV", "CLUSTER_IP", "roundrobin", "leastconn", "random", "round_robin", "least_conn", "random_two", got "WEIGHTED" (string)',
    );
  });

  it.each([
    [
      'schemaVersion',
      1,
      'schemaVersion: must be 2 or 3 (the results schemas this lbbench reads), got 1 (number)',
    ],
    [
      'schemaVersion',
      undefined,
      'schemaVersion: must be 2 or 3 (the results schemas this lbbench reads), got nothing',
    ],
    ['runs.0.load.rps', 'fast', 'runs[0].load.rps: must be a number, got "fast" (string)'],
    [
      'runs.1.entry.policy',
      'WEIGHTED',
      'runs[1].entry.policy: must be one of "ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "RING_HASH", "MAGLEV", "CLUSTER_IP", "roundrobin", "leastconn", "random", "round_robin", "least_conn", "random_two", got "WEIGHTED" (string)',
    ],
    [
      'runs.0.hosts.0.presentAtEnd',
      'yes',
      'runs[0].hosts[0].presentAtEnd: must be a boolean, got "yes" (string)',
    ],
    ['runs.0.initialPods', undefined, 'runs[0].initialPods: must be an array, got nothing'],
    ['runs.0.seed', '7', 'runs[0].seed: must be a number, got "7" (string)'],
    ['runs.0.proxy.isSeeded', undefined, 'runs[0].proxy.isSeeded: must be a boolean, got nothing'],
    ['scenario.load', undefined, 'scenario.load: must be an object, got nothing'],
    ['summaries.0.metrics.jain.ci', [], 'summaries[0].metrics.jain.ci: must be an object, got array'],
    ['gates', {}, 'gates: must be an array, got object'],
    [
      'status',
      'done',
      'status: must be one of "complete", "partial", "interrupted", "failed", got "done" (string)',
    ],
    // A long value is cut inside its quotes, which stay balanced (the results reader used to cut the closing one).
    [
      'runs.0.entry.policy',
      'X'.repeat(70),
      `runs[0].entry.policy: must be one of "ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "RING_HASH", "MAGLEV", "CLUSTER_IP", "roundrobin", "leastconn", "random", "round_robin", "least_conn", "random_two", got "${'X'.repeat(60)}…" (string)`,
    ],
    ['runs.0.hosts.0.presentAtEnd', null, 'runs[0].hosts[0].presentAtEnd: must be a boolean, got null'],
  ])('rejects %s = %j naming the file and the field', async (field, value, message) => {
    const file = await writeTemp('results.json', JSON.stringify(withField(field, value)));
    const error = await readResults(file).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ResultsFileError);
    expect((error as Error).message).toBe(`${file}: ${message}`);
  });

  it('names a bad key of a record by its quoted key', () => {
    const document = loadDocument() as { runs: { timeline: { rqTotal: Record<string, unknown> }[] }[] };
    document.runs[0]!.timeline[0]!.rqTotal['127.0.1.1:8080'] = 'x';
    expect(() => parseResults(document, 'r.json')).toThrow(
      'r.json: runs[0].timeline[0].rqTotal."127.0.1.1:8080": must be a number, got "x" (string)',
    );
  });

  it('lists up to ten problems, one per line, each with the file', () => {
    const document = loadDocument() as { runs: Record<string, unknown>[] };
    for (const run of document.runs) {
      run['seed'] = 'x';
      run['source'] = 'x';
      run['startedAt'] = 1;
      run['events'] = 'x';
    }
    const message = (() => {
      try {
        parseResults(document, 'r.json');
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    const lines = message.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.every((line) => line.startsWith('r.json: '))).toBe(true);
    expect(lines.at(-1)).toBe('r.json: … and 2 more');
  });

  it('reads a null seed back as null (an unseeded proxy), and the initial pods of each run', () => {
    const document = loadDocument() as { runs: Record<string, unknown>[] };
    document.runs[0]!['seed'] = null;
    const results = parseResults(document, 'r.json');
    expect(results.runs[0]?.seed).toBeNull();
    expect(results.runs[1]?.seed).toBe(7002);
    expect(results.runs[0]?.initialPods).toEqual([
      { name: 'myapp-7c9d8f6b54-4lq2x', address: '127.0.1.1:8080' },
      { name: 'myapp-7c9d8f6b54-9mz7k', address: '127.0.1.2:8080' },
      { name: 'myapp-7c9d8f6b54-tx5wd', address: '127.0.1.3:8080' },
    ]);
  });

  it('reads a file written before load.generators as one generator, and keeps a count that is there', () => {
    expect(
      parseResults(withField('scenario.load.generators', undefined), 'r.json').scenario.load.generators,
    ).toBe(1);
    expect(parseResults(withField('scenario.load.generators', 3), 'r.json').scenario.load.generators).toBe(3);
    expect(() => parseResults(withField('scenario.load.generators', 'x'), 'r.json')).toThrow(
      'scenario.load.generators: must be a number, got "x" (string)',
    );
  });

  it("reads a run's load.client and refuses an unknown client path", () => {
    const client = { path: 'in-cluster-job', generators: 3, startSpreadMs: 4, latencyHistogramUs: 'HISTF' };
    expect(parseResults(withField('runs.0.load.client', client), 'r.json').runs[0]?.load.client).toEqual(
      client,
    );
    expect(() =>
      parseResults(withField('runs.0.load.client', { ...client, path: 'port-forward' }), 'r.json'),
    ).toThrow(
      'runs[0].load.client.path: must be one of "local-process", "in-cluster-job", got "port-forward"',
    );
  });

  it('reads null numbers back as NaN and a missing optional field as undefined', () => {
    const document = loadDocument() as { runs: { metrics: Record<string, unknown> }[]; error?: unknown };
    document.runs[0]!.metrics['cv_over_null'] = null;
    document.error = null;
    const results = parseResults(document, 'r.json');
    expect(results.runs[0]?.metrics.cv_over_null).toBeNaN();
    expect(results.error).toBeUndefined();
    expect('error' in results).toBe(false);
  });

  it.each([
    ['not JSON', '{"schemaVersion": 2,', /^.*results\.json: is not valid JSON: /],
    ['not an object', '[1, 2]', /results\.json: \(top level\): must be an object, got array$/],
  ])('rejects a file that is %s', async (_what, text, pattern) => {
    const file = await writeTemp('results.json', text);
    await expect(readResults(file)).rejects.toThrow(pattern);
  });

  it('names a file that cannot be read and keeps the cause', async () => {
    const missing = path.join(os.tmpdir(), 'lbbench-no-such-dir', 'results.json');
    const error = await readResults(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResultsFileError);
    expect((error as Error).message).toMatch(/^\/.*results\.json: cannot be read: ENOENT/);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe('parseResults: event figures and metrics', () => {
  const eventsFixture = path.join(import.meta.dirname, '../../fixtures/results/events-sim.json');
  const load = (): {
    runs: { metrics: Record<string, unknown>; eventFigures: Record<string, unknown>[] }[];
  } => JSON.parse(readFileSync(eventsFixture, 'utf8')) as ReturnType<typeof load>;

  it('reads an event metric that never got there (null) back as NaN, in the run and its figure', () => {
    const document = load();
    document.runs[0]!.metrics['convergence_ms'] = null;
    document.runs[0]!.eventFigures[1]!['convergenceMs'] = null;
    const results = parseResults(document, 'r.json');
    expect(results.runs[0]?.metrics.convergence_ms).toBeNaN();
    expect(results.runs[0]?.eventFigures?.[1]).toMatchObject({ action: 'scale', convergenceMs: Number.NaN });
  });

  it('reads results written before rate fairness and event metrics existed', () => {
    const document = load();
    for (const run of document.runs) {
      delete run.metrics['rate_jain'];
      delete run.metrics['convergence_ms'];
      delete (run as { eventFigures?: unknown }).eventFigures;
    }
    const results = parseResults(document, 'r.json');
    expect('rate_jain' in (results.runs[0]?.metrics ?? {})).toBe(false);
    expect(results.runs[0]?.eventFigures).toBeUndefined();
  });
});
