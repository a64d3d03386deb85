import { describe, expect, it } from 'vitest';
import { describeUnknownName, getEditDistance, suggestName } from '../../../src/validation/suggest-name.js';

describe('getEditDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['jian', 'jain', 1],
    ['conections', 'connections', 1],
  ])('%s → %s is %d', (a, b, distance) => {
    expect(getEditDistance(a, b)).toBe(distance);
    expect(getEditDistance(b, a)).toBe(distance);
  });
});

describe('suggestName', () => {
  const known = ['connections', 'duration', 'dnsRefreshRate', 'cv', 'load.rate'];
  it.each([
    ['conections', 'connections'],
    ['dns_refresh_rate', 'dnsRefreshRate'],
    ['DURATION', 'duration'],
    ['cvv', 'cv'],
    ['rate', 'load.rate'],
    ['rte', 'load.rate'],
    ['banana', undefined],
    ['x', undefined],
  ])('%s → %s', (input, expected) => {
    expect(suggestName(input, known)).toBe(expected);
  });
});

describe('describeUnknownName', () => {
  it('suggests the closest name, or lists the known ones', () => {
    expect(describeUnknownName('unknown field', 'repliacs', ['replicas', 'seed'], 'fields')).toBe(
      'unknown field; did you mean "replicas"? Known fields: replicas, seed',
    );
    expect(describeUnknownName('unknown field', 'zzz', ['replicas', 'seed'], 'fields')).toBe(
      'unknown field; known fields: replicas, seed',
    );
  });
});
