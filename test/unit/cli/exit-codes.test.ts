import { describe, expect, it } from 'vitest';
import { getExitCode } from '../../../src/cli/exit-codes.js';
import {
  AbortedError,
  ClusterError,
  LbbenchError,
  ScenarioError,
  ToolMissingError,
  UsageError,
} from '../../../src/errors.js';

describe('getExitCode', () => {
  it.each([
    [new ScenarioError('f', []), 2],
    [new UsageError('u'), 2],
    [new ToolMissingError('kind', 'install it'), 3],
    [new ClusterError('down'), 3],
    [new AbortedError(), 130],
    [new LbbenchError('LBB_INTERNAL', 'bug'), 4],
    [new TypeError('bug'), 4],
    ['a string', 4],
  ])('maps %s to %i', (error, code) => {
    expect(getExitCode(error)).toBe(code);
  });
});
