import { readFile } from 'node:fs/promises';

/**
 * The pids of a process's children (Linux: `/proc/<pid>/task/<pid>/children`); empty where that file cannot be read
 * (another OS, or a kernel without it), so callers must treat the list as a best effort.
 */
export async function listChildPids(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text
      .trim()
      .split(/\s+/)
      .filter((field) => field !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** Whether a process with that pid exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
