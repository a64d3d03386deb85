import { describe, expect, it } from 'vitest';
import type { GateResult } from '../../../src/gates/types.js';
import {
  compareLabels,
  formatCommandLine,
  formatCount,
  formatFixed,
  formatGateValues,
  formatGeneral,
  formatMs,
  formatPValue,
  formatSeconds,
} from '../../../src/report/format.js';

describe('number formatting', () => {
  it.each([
    [formatFixed(0.99999, 4), '1.0000'],
    [formatFixed(-0.00001, 2), '0.00'],
    [formatFixed(Number.NaN, 2), 'n/a'],
    [formatFixed(undefined, 2), 'n/a'],
    [formatPValue(0.41234), '0.412'],
    [formatPValue(0.00001234), '1.2e-5'],
    [formatPValue(0), '0.000'],
    [formatPValue(Number.POSITIVE_INFINITY), 'n/a'],
    [formatMs(2), '2.00'],
    [formatMs(2.345), '2.35'],
    [formatMs(0.7), '0.70'],
    [formatMs(0), '0.00'],
    [formatCount(4183.9), '4184'],
    [formatSeconds(10_000), '10 s'],
    [formatSeconds(2500), '2.5 s'],
    [formatSeconds(Number.NaN), 'n/a'],
    [formatGeneral(1.2315344), '1.23153'],
    [formatGeneral(8.4), '8.4'],
    [formatGeneral(0.0001234), '1.23e-4'],
    [formatGeneral(4183.94), '4183.9'],
    [formatGeneral(7), '7'],
  ])('gives %j', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('formatCommandLine', () => {
  it.each([
    [
      ['lbbench', 'run', 'scenarios/quickstart.yaml', '--seed', '7'],
      'lbbench run scenarios/quickstart.yaml --seed 7',
    ],
    [['lbbench', '--gate', 'jain >= 0.99'], "lbbench --gate 'jain >= 0.99'"],
    [['echo', "it's"], "echo 'it'\\''s'"],
    [['echo', ''], "echo ''"],
    [['echo', '$HOME;rm'], "echo '$HOME;rm'"],
  ])('quotes %j', (argv, expected) => {
    expect(formatCommandLine(argv)).toBe(expected);
  });
});

describe('compareLabels', () => {
  it('sorts pod names naturally', () => {
    expect(['pod-10', 'pod-2', 'pod-1'].sort(compareLabels)).toEqual(['pod-1', 'pod-2', 'pod-10']);
  });
});

describe('formatGateValues', () => {
  const gate: GateResult = {
    gate: 'RANDOM: cv <= 1 / null_cv',
    row: 'RANDOM',
    metric: 'cv',
    value: 0.0123,
    threshold: 0.5,
    operator: '<=',
    passed: true,
    baselineValue: undefined,
    error: undefined,
  };

  it('shows the value and threshold of an evaluated gate', () => {
    expect(formatGateValues(gate)).toEqual({ value: '0.0123', threshold: '0.5' });
  });

  it('shows n/a for both when the gate could not be evaluated (not the 0 placeholders)', () => {
    const failed = { ...gate, value: 0, threshold: 0, passed: false, error: 'division by zero' };
    expect(formatGateValues(failed)).toEqual({ value: 'n/a', threshold: 'n/a' });
  });
});
