import { describe, expect, it } from 'vitest';
import { CommandError } from '../../../../src/errors.js';
import { getStderrTail, runChecked, type CommandRunner } from '../../../../src/backends/exec.js';

describe('getStderrTail', () => {
  it('keeps the last non-empty lines', () => {
    const stderr = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    expect(getStderrTail(stderr, 3)).toBe('line 27\nline 28\nline 29');
    expect(getStderrTail('\n\n a \r\n\n', 5)).toBe(' a ');
  });
});

describe('runChecked', () => {
  it('returns the result of a zero exit', async () => {
    const runner: CommandRunner = () => Promise.resolve({ exitCode: 0, stdout: 'ok\n', stderr: '' });
    await expect(runChecked(runner, 'kind', ['version'])).resolves.toEqual({
      exitCode: 0,
      stdout: 'ok\n',
      stderr: '',
    });
  });

  it('turns a non-zero exit into CommandError with the command, code and stderr tail (credentials removed)', async () => {
    const runner: CommandRunner = () =>
      Promise.resolve({ exitCode: 2, stdout: '', stderr: 'first\nERROR: boom\n' });
    const run = runChecked(runner, 'kind', ['create', 'cluster', '--token=abc']);
    await expect(run).rejects.toBeInstanceOf(CommandError);
    await expect(run).rejects.toThrow(
      '`kind create cluster --token=***` exited with code 2\nfirst\nERROR: boom',
    );
    await run.catch((error: unknown) => {
      expect(error instanceof CommandError && [error.exitCode, error.category]).toEqual([2, 'environment']);
    });
  });
});
