import { describe, expect, it } from 'vitest';

import { UsageError } from '../../../src/errors.js';
import type { GeneratorConfig } from '../../../src/load/generator-args.js';
import { buildGeneratorArgs, parseGeneratorArgs } from '../../../src/load/generator-args.js';
import { computeGeneratorShare } from '../../../src/load/generator-share.js';
import type { LoadSpec } from '../../../src/scenario/types.js';

const load: LoadSpec = {
  connections: 50,
  durationMs: 10_000,
  warmupMs: 2_000,
  rateRps: 1_000,
  timeoutMs: 5_000,
  path: '/hello',
  generators: 3,
};

const config: GeneratorConfig = {
  url: 'http://myapp-envoy.lbbench.svc:80',
  load,
  headers: { 'x-run': 'a b', accept: 'text/plain' },
  podHeader: 'x-upstream-pod',
  generatorIndex: 2,
  generatorCount: 3,
  startAtMs: 1_796_000_000_000,
  outputPath: '/tmp/report.json',
};

const minimal = [
  '--url',
  'http://127.0.0.1:1',
  '--connections',
  '4',
  '--duration-ms',
  '1000',
  '--start-at',
  '5',
];

describe('generator argv', () => {
  it('reads back what buildGeneratorArgs writes', () => {
    expect(parseGeneratorArgs(buildGeneratorArgs(config))).toEqual(config);
  });

  it('fills in defaults and accepts "stdin" as the start time', () => {
    const parsed = parseGeneratorArgs([...minimal.slice(0, -1), 'stdin']);
    expect(parsed).toMatchObject({
      url: 'http://127.0.0.1:1',
      load: { connections: 4, durationMs: 1000, warmupMs: 0, timeoutMs: 10_000, path: '/', generators: 1 },
      headers: {},
      podHeader: 'x-upstream-pod',
      generatorIndex: 0,
      generatorCount: 1,
      startAtMs: 'stdin',
      outputPath: undefined,
    });
  });

  it.each<[string, string[], RegExp]>([
    ['a missing URL', minimal.slice(2), /--url is required/],
    ['a URL that is not http', ['--url', 'ftp://x', ...minimal.slice(2)], /--url must be an http:\/\/ URL/],
    [
      'a fractional connection count',
      [...minimal, '--connections', '2.5'],
      /--connections must be an integer ≥ 1, got "2.5"/,
    ],
    [
      'a timeout under 1 s',
      [...minimal, '--timeout-ms', '10'],
      /--timeout-ms must be an integer ≥ 1000, got "10"/,
    ],
    [
      'an index past the count',
      [...minimal, '--generator-index', '3', '--generator-count', '3'],
      /--generator-index must be < --generator-count \(3\), got 3/,
    ],
    [
      'a start time that is not epoch ms',
      [...minimal.slice(0, -1), 'soon'],
      /--start-at must be an integer ≥ 0, got "soon"/,
    ],
    [
      'a malformed header',
      [...minimal, '--header', 'no-colon'],
      /--header must look like "Name: value", got "no-colon"/,
    ],
    ['a path without a slash', [...minimal, '--path', 'x'], /--path must start with "\/", got "x"/],
    ['an unknown flag', [...minimal, '--conections', '3'], /Unknown option '--conections'/],
  ])('refuses %s with a usage error', (_name, argv, message) => {
    expect(() => parseGeneratorArgs(argv)).toThrow(UsageError);
    expect(() => parseGeneratorArgs(argv)).toThrow(message);
  });
});

describe('computeGeneratorShare', () => {
  it.each([
    [50, 1000, 3],
    [7, 7, 7],
    [10, 33, 4],
    [1, 1, 1],
  ])(
    'splits %i connections and %i req/s over %i generators so the shares sum to the totals',
    (connections, rateRps, count) => {
      const shares = Array.from({ length: count }, (_, index) =>
        computeGeneratorShare({ ...load, connections, rateRps }, index, count),
      );
      expect(shares.reduce((sum, share) => sum + share.connections, 0)).toBe(connections);
      expect(shares.reduce((sum, share) => sum + (share.rateRps ?? 0), 0)).toBe(rateRps);
      for (const share of shares) {
        expect(share.connections).toBeGreaterThanOrEqual(Math.floor(connections / count));
        expect(share.connections).toBeLessThanOrEqual(Math.ceil(connections / count));
        // Open loop needs ≥ 1 req/s per connection on every generator, as on one.
        expect(share.rateRps ?? 0).toBeGreaterThanOrEqual(share.connections);
      }
    },
  );

  it('keeps a closed loop closed', () => {
    expect(computeGeneratorShare({ ...load, rateRps: undefined }, 0, 2).rateRps).toBeUndefined();
  });

  it.each([
    [{ ...load, connections: 2 }, /load.connections \(2\) must be ≥ the number of generators \(3\)/],
    [
      { ...load, connections: 3, rateRps: 2 },
      /load.rate \(2 req\/s\) must be ≥ the number of generators \(3\)/,
    ],
  ])('refuses a share with nothing to drive', (spec, message) => {
    expect(() => computeGeneratorShare(spec, 0, 3)).toThrow(message);
  });
});
