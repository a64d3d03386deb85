import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDuration } from '../../../src/validation/parse-duration.js';

const EXPECTED = 'must be a duration like "500ms", "10s", "1.5s" or "1m"';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['2s', 2000],
    ['500ms', 500],
    ['1m', 60_000],
    ['1.5s', 1500],
    ['1.1s', 1100],
    ['0.5ms', 0.5],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    [' 3s ', 3000],
    ['0s', 0],
    [0, 0],
    ['0', 0],
  ])('%j is %d ms', (input, ms) => {
    expect(parseDuration(input)).toEqual({ isValid: true, valueMs: ms });
  });

  it.each([
    [10, `${EXPECTED}, got 10 (number); add a unit, e.g. "10s" or "10ms"`],
    ['10', `${EXPECTED}, got "10" (string); add a unit, e.g. "10s" or "10ms"`],
    [2.5, `${EXPECTED}, got 2.5 (number); add a unit, e.g. "2.5s" or "2.5ms"`],
    ['10 sec', `${EXPECTED}, got "10 sec" (string); the units are ms, s, m and h`],
    ['ten', `${EXPECTED}, got "ten" (string); the units are ms, s, m and h`],
    ['s', `${EXPECTED}, got "s" (string); the units are ms, s, m and h`],
    ['-1s', `${EXPECTED} and not negative, got "-1s" (string)`],
    [true, `${EXPECTED}, got true (boolean)`],
    [null, `${EXPECTED}, got null`],
  ])('rejects %j', (input, message) => {
    expect(parseDuration(input)).toEqual({ isValid: false, message });
  });
});

describe('formatDurationMs', () => {
  it.each([
    [0, '0s'],
    [0.5, '0.5ms'],
    [500, '500ms'],
    [1500, '1.5s'],
    [10_000, '10s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [90_500, '90.5s'],
    [3_600_000, '1h'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), (ms) => {
        expect(parseDuration(formatDurationMs(ms))).toEqual({ isValid: true, valueMs: ms });
      }),
    );
  });
});
