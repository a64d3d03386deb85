import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { ProgressLineInput } from '../../../src/load/progress-line.js';
import {
  formatInteger,
  formatPlainProgressLine,
  formatProgressLine,
} from '../../../src/load/progress-line.js';

const input: ProgressLineInput = {
  row: 'ROUND_ROBIN',
  repetition: 1,
  repetitions: 1,
  phase: 'measure',
  elapsedMs: 5_000,
  durationMs: 10_000,
  rps: 9_812,
  errors: 0,
};

describe('formatProgressLine', () => {
  it.each<[string, Partial<ProgressLineInput>, string]>([
    ['half way', {}, 'ROUND_ROBIN  rep 1/1  ▕█████░░░░░▏ 5.0/10.0 s  9,812 req/s  0 errors'],
    [
      'at the start',
      { elapsedMs: 0, rps: 0 },
      'ROUND_ROBIN  rep 1/1  ▕░░░░░░░░░░▏ 0.0/10.0 s  0 req/s  0 errors',
    ],
    [
      'past the end',
      { elapsedMs: 10_400, errors: 1 },
      'ROUND_ROBIN  rep 1/1  ▕██████████▏ 10.0/10.0 s  9,812 req/s  1 error',
    ],
    [
      'in the warm-up',
      { phase: 'warmup', elapsedMs: 1_000, durationMs: 2_000, repetition: 2, repetitions: 3, errors: 12_345 },
      'ROUND_ROBIN  rep 2/3  warm-up ▕█████░░░░░▏ 1.0/2.0 s  9,812 req/s  12,345 errors',
    ],
  ])('%s', (_what, override, line) => {
    expect(formatProgressLine({ ...input, ...override })).toBe(line);
  });

  it('always draws a bar of the given width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000, max: 100_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        (elapsedMs, durationMs) => {
          const bar = /▕([█░]*)▏/.exec(formatProgressLine({ ...input, elapsedMs, durationMs }, 20))?.[1];
          return bar?.length === 20;
        },
      ),
    );
  });
});

describe('formatPlainProgressLine', () => {
  it.each<[Partial<ProgressLineInput>, string]>([
    [{}, 'ROUND_ROBIN rep 1/1: 5.0/10.0 s, 9,812 req/s, 0 errors'],
    [
      { phase: 'warmup', elapsedMs: 500, durationMs: 2_000 },
      'ROUND_ROBIN rep 1/1: warm-up 0.5/2.0 s, 9,812 req/s, 0 errors',
    ],
  ])('%j', (override, line) => {
    expect(formatPlainProgressLine({ ...input, ...override })).toBe(line);
  });
});

describe('formatInteger', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1234567.4, '1,234,567'],
    [-9812, '-9,812'],
  ])('%d → %s', (value, text) => {
    expect(formatInteger(value)).toBe(text);
  });
});
