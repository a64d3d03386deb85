import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, listChildPids } from '../../../../src/backends/local/child-pids.js';

describe.skipIf(process.platform !== 'linux')('child pids (Linux /proc)', () => {
  it('lists a running child of this process, which is no longer alive once it exited', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)']);
    const pid = child.pid ?? -1;
    expect(await listChildPids(process.pid)).toContain(pid);
    expect(isProcessAlive(pid)).toBe(true);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(isProcessAlive(pid)).toBe(false);
    expect(await listChildPids(process.pid)).not.toContain(pid);
  });
});
