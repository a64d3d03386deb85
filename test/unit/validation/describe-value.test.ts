import { describe, expect, it } from 'vitest';
import { describeValue } from '../../../src/validation/describe-value.js';
import { isRecord } from '../../../src/validation/is-record.js';
import { joinPath } from '../../../src/validation/join-path.js';

describe('describeValue', () => {
  it.each([
    ['ten', '"ten" (string)'],
    [2.5, '2.5 (number)'],
    [true, 'true (boolean)'],
    [null, 'null'],
    [undefined, 'nothing'],
    ['x'.repeat(61), `"${'x'.repeat(60)}…" (string)`],
  ])('shows %j as %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
    expect(describeValue(value, 'json')).toBe(expected);
  });

  it.each([
    [[1], 'a list', 'array'],
    [{ a: 1 }, 'a mapping', 'object'],
  ])('names %j in the YAML and the JSON vocabulary', (value, yaml, json) => {
    expect(describeValue(value)).toBe(yaml);
    expect(describeValue(value, 'json')).toBe(json);
  });
});

describe('joinPath', () => {
  it.each([
    ['', 'load', 'load'],
    ['load', 'connections', 'load.connections'],
    ['proxy', 'dns_refresh_rate', 'proxy.dns_refresh_rate'],
    ['rqTotal', '127.0.1.1:8080', 'rqTotal."127.0.1.1:8080"'],
    ['', 'load.duration', '"load.duration"'],
    ['pods', 'my-pod', 'pods."my-pod"'],
  ])('joins %j and %j as %s', (parent, key, expected) => {
    expect(joinPath(parent, key)).toBe(expected);
  });
});

describe('isRecord', () => {
  it.each([
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    ['x', false],
    [undefined, false],
  ])('%j is a record: %s', (value, expected) => {
    expect(isRecord(value)).toBe(expected);
  });
});
