import { describe, expect, it } from 'vitest';

import { LbbenchError } from '../../../src/errors.js';
import { readGeneratorReport } from '../../../src/load/read-generator-report.js';
import { createGeneratorReport } from './generator-report-fixture.js';

const valid = JSON.parse(JSON.stringify(createGeneratorReport(1, 3))) as Record<string, unknown>;

describe('readGeneratorReport', () => {
  it('reads a valid report as written', () => {
    expect(readGeneratorReport(valid, 'generator 2')).toEqual(createGeneratorReport(1, 3));
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [1], /generator 2 is not valid: must be a JSON object, got a list/],
    ['another schema version', { ...valid, schemaVersion: 2 }, /"schemaVersion" must be 1, got 2 \(number\)/],
    [
      'an index outside the count',
      { ...valid, generatorIndex: 3 },
      /"generatorIndex" must be < generatorCount \(3\), got 3/,
    ],
    [
      'a fractional count',
      { ...valid, counts: { ...(valid.counts as object), errors: 1.5 } },
      /"counts.errors" must be an integer ≥ 0, got 1.5/,
    ],
    [
      'a missing count',
      { ...valid, counts: { responses: 1 } },
      /"counts.requestsSent" must be an integer ≥ 0, got nothing/,
    ],
    [
      'a negative tally',
      { ...valid, podTally: { 'myapp-a': -1 } },
      /"podTally.myapp-a" must be an integer ≥ 0, got -1/,
    ],
    ['an unknown mode', { ...valid, mode: 'burst' }, /"mode" must be "closed" or "open", got "burst"/],
    [
      'a window ending before it starts',
      { ...valid, measureEndMs: 1 },
      /"measureEndMs" must be ≥ measureStartMs/,
    ],
    [
      'latency in ms',
      { ...valid, latency: { ...(valid.latency as object), unit: 'ms' } },
      /"latency.unit" must be "us", got "ms"/,
    ],
    [
      'a histogram that does not decode',
      { ...valid, latency: { ...(valid.latency as object), histogram: 'not-hdr' } },
      /"latency.histogram" must be an HdrHistogram compressed base64 encoding, got "not-hdr"/,
    ],
    [
      'a sample count that disagrees with the histogram',
      { ...valid, latency: { ...(valid.latency as object), samples: 99 } },
      /"latency.samples" must equal the histogram's total count \(3\), got 99/,
    ],
  ])('refuses %s, naming the field and the value', (_name, value, message) => {
    expect(() => readGeneratorReport(value, 'generator 2')).toThrow(message);
  });

  it('lists every bad field at once as an LBB_COLLECT error', () => {
    const error = (() => {
      try {
        readGeneratorReport({ ...valid, url: 3, connections: 0 }, 'generator 2');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(LbbenchError);
    expect((error as LbbenchError).code).toBe('LBB_COLLECT');
    expect((error as Error).message).toMatch(
      /"url" must be a string, got 3 \(number\); "connections" must be an integer ≥ 1, got 0/,
    );
  });
});
