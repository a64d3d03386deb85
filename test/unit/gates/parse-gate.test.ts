import { describe, expect, it } from 'vitest';
import { GateSyntaxError } from '../../../src/errors.js';
import { parseGate } from '../../../src/gates/parse-gate.js';
import type { GateSpec } from '../../../src/scenario/types.js';

const spec = (expression: string, row: GateSpec['row'] = '*'): GateSpec => ({
  row,
  expression,
  origin: 'scenario',
});

const METRICS_LIST =
  'jain, cv, cv_over_null, null_cv, max_over_mean, min_over_mean, zero_hit_pods, chi2, chi2_pvalue, p50_ms, ' +
  'p90_ms, p99_ms, p999_ms, max_ms, rps, error_rate, requests, slow_pod_share, achieved_rate_ratio, rate_jain, rate_cv, ' +
  'convergence_ms, errors_after_kill, removed_traffic_ms, slow_share_before, slow_share_after';

describe('parseGate: accepted gates', () => {
  it.each([
    ['ROUND_ROBIN: jain >= 0.999', '*', 'ROUND_ROBIN', 'ROUND_ROBIN: jain >= 0.999', 'jain', 'median', '>='],
    ['round_robin:jain>=0.999', '*', 'round_robin', 'round_robin:jain>=0.999', 'jain', 'median', '>='],
    ['LR-3: jain >= 0.9', '*', 'LR-3', 'LR-3: jain >= 0.9', 'jain', 'median', '>='],
    ['lr_3 : cv < 1', 'LR_3', 'lr_3', 'lr_3 : cv < 1', 'cv', 'median', '<'],
    ['*: error_rate == 0', '*', '*', '*: error_rate == 0', 'error_rate', 'median', '=='],
    ['cv <= 3 * null_cv', 'RANDOM', 'RANDOM', 'RANDOM: cv <= 3 * null_cv', 'cv', 'median', '<='],
    ['*: cv < 1', 'RANDOM', 'RANDOM', '*: cv < 1', 'cv', 'median', '<'],
    ['RANDOM: cv < 1', 'RANDOM', 'RANDOM', 'RANDOM: cv < 1', 'cv', 'median', '<'],
    ['p95(cv) <= 0.1', '*', '*', 'p95(cv) <= 0.1', 'cv', { percentile: 95 }, '<='],
    ['p99_9(p99_ms) < 20', '*', '*', 'p99_9(p99_ms) < 20', 'p99_ms', { percentile: 99.9 }, '<'],
    ['median(jain) > 0.9', '*', '*', 'median(jain) > 0.9', 'jain', 'median', '>'],
    ['ci_low(rps) != 0', '*', '*', 'ci_low(rps) != 0', 'rps', 'low', '!='],
    ['ci_high(error_rate) <= 0.01', '*', '*', 'ci_high(error_rate) <= 0.01', 'error_rate', 'high', '<='],
    [
      'max(zero_hit_pods) == 0',
      '*',
      '*',
      'max(zero_hit_pods) == 0',
      'zero_hit_pods',
      { percentile: 100 },
      '==',
    ],
    ['min(requests) >= 1e4', '*', '*', 'min(requests) >= 1e4', 'requests', { percentile: 0 }, '>='],
  ] as const)('%s (under %s)', (expression, row, expectedRow, text, metric, aggregate, operator) => {
    const gate = parseGate(spec(expression, row));
    expect(gate).toMatchObject({
      row: expectedRow,
      text,
      operator,
      lhs: { metric, aggregate, source: 'results' },
    });
  });

  it('parses arithmetic with precedence, unary minus and baseline references', () => {
    const gate = parseGate(spec('LEAST_REQUEST: cv <= baseline.cv * 1.10 + 0.005'));
    expect(gate.usesBaseline).toBe(true);
    expect(gate.rhs).toEqual({
      kind: 'binary',
      operator: '+',
      left: {
        kind: 'binary',
        operator: '*',
        left: { kind: 'metric', source: 'baseline', metric: 'cv', aggregate: 'median' },
        right: { kind: 'number', value: 1.1 },
      },
      right: { kind: 'number', value: 0.005 },
    });
    const nested = parseGate(spec('rps >= -(1 - 2) * ci_low(baseline.rps) / 2'));
    expect(nested.rhs).toEqual({
      kind: 'binary',
      operator: '/',
      left: {
        kind: 'binary',
        operator: '*',
        left: {
          kind: 'negate',
          operand: {
            kind: 'binary',
            operator: '-',
            left: { kind: 'number', value: 1 },
            right: { kind: 'number', value: 2 },
          },
        },
        right: { kind: 'metric', source: 'baseline', metric: 'rps', aggregate: 'low' },
      },
      right: { kind: 'number', value: 2 },
    });
    expect(parseGate(spec('cv <= 3 * null_cv')).usesBaseline).toBe(false);
  });
});

describe('parseGate: rejected gates', () => {
  it.each([
    ['ROUND_ROBIN: jain >== 0.9', 'unexpected "=" at column 21, expected a number, metric or "("'],
    ['jain 0.9', 'unexpected "0.9" at column 6, expected one of <=, >=, <, >, ==, !='],
    ['jain >= ', 'unexpected end of gate at column 9, expected a number, metric or "("'],
    ['jain >= (1', 'unexpected end of gate at column 11, expected ")" or an arithmetic operator'],
    ['jain >= 1)', 'unexpected ")" at column 10, expected an arithmetic operator or the end of the gate'],
    ['cv <= 3 # x', 'unexpected "#" at column 9, expected an arithmetic operator or the end of the gate'],
    ['>= 1', 'unexpected ">=" at column 1, expected a metric'],
    ['median(cv <= 1', 'unexpected "<=" at column 11, expected ")"'],
    ['cv <= baseline.', 'unexpected end of gate at column 16, expected a metric after "baseline."'],
    ['jian >= 1', `unknown metric "jian" at column 1; did you mean "jain"? Known metrics: ${METRICS_LIST}`],
    [
      'cv <= baseline.cvv',
      `unknown metric "cvv" at column 16; did you mean "cv"? Known metrics: ${METRICS_LIST}`,
    ],
    ['latency >= 1', `unknown metric "latency" at column 1; known metrics: ${METRICS_LIST}`],
    [
      'avg(cv) <= 1',
      'unknown function "avg" at column 1; use median(), pNN() with 0 ≤ NN ≤ 100 (e.g. p95(), p99_9()), ci_low(), ci_high(), min() or max()',
    ],
    ['LR-3 cv < 1', `unknown metric "LR" at column 1; known metrics: ${METRICS_LIST}`],
    ['LR-3: 3 < 1', 'unexpected "3" at column 7, expected a metric'],
    [
      'baseline.cv <= 1',
      'baseline at column 1: the left side must be a measured metric; compare it with baseline.<metric> on the right',
    ],
    [
      'constructor(cv) <= 1',
      'unknown function "constructor" at column 1; use median(), pNN() with 0 ≤ NN ≤ 100 (e.g. p95(), p99_9()), ci_low(), ci_high(), min() or max()',
    ],
    ['cv <= 2 * 1e999', 'number "1e999" at column 11 is too large; use at most about 1e308'],
  ])('%s', (expression, message) => {
    expect(() => parseGate(spec(expression))).toThrow(new GateSyntaxError(expression, message));
  });

  it('rejects a prefix that contradicts the group row', () => {
    const error = (() => {
      try {
        parseGate(spec('ROUND_ROBIN: cv < 1', 'RANDOM'));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GateSyntaxError);
    expect(error).toMatchObject({
      code: 'LBB_GATE_INVALID',
      expression: 'ROUND_ROBIN: cv < 1',
      message: 'gate "ROUND_ROBIN: cv < 1": names row ROUND_ROBIN but is listed under row RANDOM',
    });
  });
});
