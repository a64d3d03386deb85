import { describe, expect, it } from 'vitest';
import {
  CommandError,
  formatInputIssues,
  redactArg,
  ScenarioError,
  ToolMissingError,
} from '../../src/errors.js';

describe('errors', () => {
  it('formats input issues as file: path: message lines', () => {
    const error = new ScenarioError('scenarios/rr.yaml', [
      { path: 'load.connections', message: 'must be an integer ≥ 1, got "ten" (string)' },
      { path: '', message: 'is not valid YAML' },
    ]);
    expect(error.message).toBe(
      'scenarios/rr.yaml: load.connections: must be an integer ≥ 1, got "ten" (string)\nscenarios/rr.yaml: is not valid YAML',
    );
    expect(error.category).toBe('usage');
    expect(formatInputIssues('f', [])).toBe('');
  });

  it('names a missing tool and how to get it', () => {
    const error = new ToolMissingError('kind', 'Install kind or pass --backend=kube');
    expect(error.message).toBe('kind not found on PATH. Install kind or pass --backend=kube');
    expect(error.category).toBe('environment');
  });

  it.each([
    ['https://user:secret@example.com/x', 'https://***@example.com/x'],
    ['--token=abc', '--token=***'],
    ['--replicas=3', '--replicas=3'],
  ])('redacts %s', (input, expected) => {
    expect(redactArg(input)).toBe(expected);
  });

  it('keeps the command, exit code and stderr tail of a failed command', () => {
    const error = new CommandError({
      file: 'kind',
      args: ['create', 'cluster'],
      exitCode: 1,
      stderrTail: 'boom\n',
    });
    expect(error.message).toBe('`kind create cluster` exited with code 1\nboom');
    expect(error.exitCode).toBe(1);
  });
});
