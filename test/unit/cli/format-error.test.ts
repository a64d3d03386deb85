import { describe, expect, it } from 'vitest';
import { getExitCode } from '../../../src/cli/exit-codes.js';
import { formatCliError } from '../../../src/cli/format-error.js';
import { ClusterError } from '../../../src/errors.js';

/** An error shaped like the ones node:fs rejects with. */
function createSystemError(): NodeJS.ErrnoException {
  return Object.assign(new Error("ENOTDIR: not a directory, mkdir '/etc/hostname/x'"), {
    code: 'ENOTDIR',
    syscall: 'mkdir',
    path: '/etc/hostname/x',
  });
}

describe('formatCliError', () => {
  it('prints only the message of an error lbbench raised on purpose', () => {
    expect(formatCliError(new ClusterError('the cluster is gone'), {})).toBe(
      'lbbench: the cluster is gone\n',
    );
  });

  it('prints the stack, the cause and a request to report it for a bug', () => {
    const text = formatCliError(new TypeError('x is undefined', { cause: new Error('the root') }), {});
    expect(text).toMatch(/^lbbench: x is undefined\nTypeError: x is undefined\n {4}at /);
    expect(text).toContain('the root');
    expect(text).toMatch(/This is a bug in lbbench; please report it with the output above\.\n$/);
  });

  it('with LBB_DEBUG=1 shows the cause of any error, without calling it a bug', () => {
    const error = new ClusterError('kind create cluster failed', {
      cause: new Error('docker is not running'),
    });
    const text = formatCliError(error, { LBB_DEBUG: '1' });
    expect(text).toContain('docker is not running');
    expect(text).not.toContain('This is a bug');
  });

  it('treats an operating-system error as the environment: exit 3, no bug report', () => {
    const error = createSystemError();
    expect(getExitCode(error)).toBe(3);
    expect(formatCliError(error, {})).toBe('lbbench: cannot mkdir /etc/hostname/x: not a directory\n');
  });
});
