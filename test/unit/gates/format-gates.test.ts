import { describe, expect, it } from 'vitest';
import {
  formatGateDiff,
  formatGateNumber,
  formatGateTable,
  formatRelativeChange,
} from '../../../src/gates/format-gates.js';
import type { GateResult } from '../../../src/gates/types.js';

const result = (overrides: Partial<GateResult>): GateResult => ({
  gate: 'ROUND_ROBIN: jain >= 0.999',
  row: 'ROUND_ROBIN',
  metric: 'jain',
  value: 0.99995,
  threshold: 0.999,
  operator: '>=',
  passed: true,
  baselineValue: undefined,
  error: undefined,
  ...overrides,
});

describe('formatGateNumber', () => {
  it.each([
    [0, '0'],
    [0.99995, '0.99995'],
    [0.999987654, '0.999988'],
    [0.0123456789, '0.0123457'],
    [1234.5678, '1234.57'],
    [1234567.8, '1.23e+6'],
    [-2.5, '-2.5'],
    [3e-7, '3.00e-7'],
    [2.5e9, '2.50e+9'],
  ])('%d → %s', (value, expected) => {
    expect(formatGateNumber(value)).toBe(expected);
  });
});

describe('formatGateTable', () => {
  it('lists each gate with its mark, value and threshold, then a verdict', () => {
    const text = formatGateTable([
      result({}),
      result({
        gate: '*: error_rate == 0',
        row: 'RANDOM',
        metric: 'error_rate',
        value: 0.002,
        threshold: 0,
        operator: '==',
        passed: false,
      }),
      result({
        gate: 'MAGLEV: cv <= 1',
        row: 'MAGLEV',
        passed: false,
        error: 'no results for row MAGLEV',
      }),
    ]);
    expect(text).toBe(
      [
        '   row          gate                        value    threshold  note',
        '-  -----------  --------------------------  -------  ---------  -------------------------',
        '✓  ROUND_ROBIN  ROUND_ROBIN: jain >= 0.999  0.99995  >= 0.999',
        '✗  RANDOM       *: error_rate == 0          0.002    == 0',
        '✗  MAGLEV       MAGLEV: cv <= 1             -        -          no results for row MAGLEV',
        '2 of 3 gate(s) failed',
      ].join('\n'),
    );
  });

  it('says when all passed or when there are none', () => {
    expect(formatGateTable([result({})]).endsWith('all 1 gate(s) passed')).toBe(true);
    expect(formatGateTable([])).toBe('no gates');
  });
});

describe('formatGateDiff', () => {
  it('shows value, baseline, change and threshold for gates that used a baseline', () => {
    const text = formatGateDiff([
      result({}),
      result({
        gate: 'RANDOM: cv <= baseline.cv * 1.1',
        row: 'RANDOM',
        metric: 'cv',
        value: 0.03,
        baselineValue: 0.025,
        threshold: 0.0275,
        operator: '<=',
        passed: false,
      }),
    ]);
    expect(text).toBe(
      [
        '   row     metric  value  baseline  change  threshold  gate',
        '-  ------  ------  -----  --------  ------  ---------  -------------------------------',
        '✗  RANDOM  cv      0.03   0.025     +20.0%  <= 0.0275  RANDOM: cv <= baseline.cv * 1.1',
      ].join('\n'),
    );
    expect(formatGateDiff([result({})])).toBe('no gate refers to a baseline');
  });

  it('shows no value, change or threshold for a gate that could not be evaluated', () => {
    const text = formatGateDiff([
      result({
        gate: 'RANDOM: cv <= baseline.cv / 0',
        row: 'RANDOM',
        metric: 'cv',
        value: 0.03,
        baselineValue: 0.025,
        threshold: 0,
        operator: '<=',
        passed: false,
        error: 'the value or threshold is not a finite number',
      }),
    ]);
    expect(text.split('\n')[2]).toBe(
      '✗  RANDOM  cv      -      0.025     -       -          RANDOM: cv <= baseline.cv / 0',
    );
  });

  it.each([
    [1.1, 1, '+10.0%'],
    [0.9, 1, '-10.0%'],
    [0, 0, '0%'],
    [1, 0, 'n/a'],
    [Number.NaN, 1, 'n/a'],
    [1, Number.POSITIVE_INFINITY, 'n/a'],
  ])('change from %d to %d is %s', (after, before, expected) => {
    expect(formatRelativeChange(after, before)).toBe(expected);
  });
});
