import { describe, expect, it } from 'vitest';
import { parseGate } from '../../../src/gates/parse-gate.js';

describe('parseGate hints', () => {
  it('points at the missing colon after a policy name', () => {
    expect(() => parseGate({ row: '*', expression: 'RANDOM cv <= 1', origin: 'cli' })).toThrow(
      'gate "RANDOM cv <= 1": unknown metric "RANDOM" at column 1: "RANDOM" is a policy; a row prefix ends with a colon, e.g. "RANDOM: cv …"',
    );
  });
});
