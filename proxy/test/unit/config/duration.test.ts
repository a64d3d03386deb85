import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DURATION_MS, parseDurationMs } from '../../../src/config/duration.js';

describe('parseDurationMs', () => {
  it.each<[unknown, number]>([
    ['0.25s', 250],
    ['60s', 60_000],
    ['0s', 0],
    ['1.000000001s', 1000.000001],
    ['5000ms', 5000],
    ['1.5ms', 1.5],
    ['0.3s', 300],
    [{ seconds: 1, nanos: 500_000_000 }, 1500],
    [{ seconds: '2' }, 2000],
    [{ nanos: 250_000_000 }, 250],
    [{}, 0],
  ])('reads %j as %d ms', (value, expectedMs) => {
    expect(parseDurationMs(value)).toEqual({ isValid: true, valueMs: expectedMs });
  });

  const EXPECTED = 'must be a duration such as "0.25s", "60s" or "5000ms", or {seconds, nanos}';
  it.each<[unknown, string]>([
    ['-1s', 'must not be negative, got "-1s"'],
    ['-0.5ms', 'must not be negative, got "-0.5ms"'],
    [{ seconds: -3 }, 'must not be negative, got {seconds: -3, nanos: 0}'],
    [250, `${EXPECTED}, got 250 (a number without a unit)`],
    ['5', `${EXPECTED}, got "5"`],
    ['5 s', `${EXPECTED}, got "5 s"`],
    ['1m', `${EXPECTED}, got "1m"`],
    ['.5s', `${EXPECTED}, got ".5s"`],
    ['1.0000000001s', `${EXPECTED}, got "1.0000000001s"`],
    [null, `${EXPECTED}, got null (an empty value)`],
    [['1s'], `${EXPECTED}, got a list`],
    [{ seconds: 1, minutes: 2 }, `${EXPECTED}, got a mapping`],
    [{ seconds: 1.5 }, 'seconds must be an integer, got 1.5'],
    [{ nanos: 1_000_000_000 }, 'nanos must be an integer from 0 to 999999999, got 1000000000'],
    [
      '2147483.648s',
      'must be at most 2147483647ms (about 24.8 days, the longest timer Node.js supports), got "2147483.648s"',
    ],
  ])('refuses %j', (value, message) => {
    expect(parseDurationMs(value)).toEqual({ isValid: false, message });
  });

  it('reads whole milliseconds written in s and ms alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_DURATION_MS }), (ms) => {
        const asSeconds = `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}s`;
        const fromSeconds = parseDurationMs(asSeconds);
        const fromMs = parseDurationMs(`${ms}ms`);
        return fromSeconds.isValid && fromMs.isValid && fromSeconds.valueMs === ms && fromMs.valueMs === ms;
      }),
    );
  });
});
