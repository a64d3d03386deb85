import { describe, expect, it } from 'vitest';
import { LbbenchError, UsageError } from '../../../src/errors.js';
import type { GeneratorConfig } from '../../../src/load/generator-args.js';
import { buildGeneratorArgs, parseGeneratorArgs } from '../../../src/load/generator-args.js';
import { mergeGeneratorReports } from '../../../src/load/merge-generator-reports.js';
import { readGeneratorReport } from '../../../src/load/read-generator-report.js';
import { createGeneratorReport } from './generator-report-fixture.js';

const keyedConfig: GeneratorConfig = {
  url: 'http://127.0.0.1:10000',
  load: {
    connections: 8,
    durationMs: 20_000,
    warmupMs: 1000,
    rateRps: undefined,
    timeoutMs: 5000,
    path: '/',
    generators: 2,
    keys: { header: 'x-user-id', count: 1000, distribution: 'zipf', exponent: 1.1 },
  },
  headers: {},
  podHeader: 'x-upstream-pod',
  generatorIndex: 1,
  generatorCount: 2,
  startAtMs: 5,
  outputPath: undefined,
  keyDraw: { runSeed: 77, periodBoundariesMs: [10_000, 15_000] },
};

describe('generators with keys', () => {
  it('pass the keys, the run seed and the periods through argv', () => {
    const args = buildGeneratorArgs(keyedConfig);
    expect(args).toEqual(
      expect.arrayContaining(['--keys-header', 'x-user-id', '--keys-periods-ms', '10000,15000']),
    );
    expect(parseGeneratorArgs(args)).toEqual(keyedConfig);
    const uniform = {
      ...keyedConfig.load,
      keys: { ...keyedConfig.load.keys!, distribution: 'uniform', exponent: undefined },
    } as const;
    expect(parseGeneratorArgs(buildGeneratorArgs({ ...keyedConfig, load: uniform })).load.keys).toEqual(
      uniform.keys,
    );
  });

  it.each([
    [['--keys-header', 'X-User'], /--keys-header must be a lowercase HTTP header name/],
    [['--keys-header', 'x-u', '--keys-count', '0'], /--keys-count must be an integer ≥ 1/],
    [
      ['--keys-header', 'x-u', '--keys-count', '5', '--keys-distribution', 'pareto'],
      /--keys-distribution must be zipf or uniform/,
    ],
    [['--keys-header', 'x-u', '--keys-count', '5'], /--keys-exponent must be a number > 0/],
    [
      ['--keys-header', 'x-u', '--keys-count', '5', '--keys-exponent', '1', '--keys-periods-ms', '10,x'],
      /--keys-periods-ms/,
    ],
  ])('refuses %j', (flags, message) => {
    const base = [
      '--url',
      'http://127.0.0.1:1',
      '--connections',
      '4',
      '--duration-ms',
      '1000',
      '--start-at',
      '5',
    ];
    expect(() => parseGeneratorArgs([...base, ...flags])).toThrow(UsageError);
    expect(() => parseGeneratorArgs([...base, ...flags])).toThrow(message);
  });

  it('read a report with a key tally and merge the tallies of all generators exactly', () => {
    const first = createGeneratorReport(0, 2, [1], {
      keyTally: { boundariesMs: [5000], periods: [{ 'user-1': { a: 3 } }, { 'user-1': { b: 1 } }] },
    });
    const second = createGeneratorReport(1, 2, [1], {
      keyTally: { boundariesMs: [5000], periods: [{ 'user-1': { a: 2 }, 'user-2': { c: 1 } }, {}] },
    });
    const read = readGeneratorReport(JSON.parse(JSON.stringify(second)), 'generator 1');
    expect(read.keyTally).toEqual(second.keyTally);
    expect(mergeGeneratorReports([first, read]).keyTally).toEqual({
      boundariesMs: [5000],
      periods: [{ 'user-1': { a: 5 }, 'user-2': { c: 1 } }, { 'user-1': { b: 1 } }],
    });
  });

  it('refuse a malformed key tally and reports that disagree about keys', () => {
    const bad = {
      ...createGeneratorReport(0, 1),
      keyTally: { boundariesMs: [5000], periods: [{ k: { a: 0 } }] },
    };
    expect(() => readGeneratorReport(bad, 'generator 0')).toThrow(
      /keyTally.periods" must be an array of 2 period/,
    );
    expect(() => readGeneratorReport(bad, 'generator 0')).toThrow(
      /keyTally.periods\[0\].k.a" must be an integer ≥ 1/,
    );
    const keyed = createGeneratorReport(0, 2, [1], { keyTally: { boundariesMs: [], periods: [{}] } });
    expect(() => mergeGeneratorReports([keyed, createGeneratorReport(1, 2)])).toThrow(LbbenchError);
    expect(() => mergeGeneratorReports([keyed, createGeneratorReport(1, 2)])).toThrow(
      /some carry a key tally/,
    );
  });
});
