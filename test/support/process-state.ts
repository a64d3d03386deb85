import { readFileSync } from 'node:fs';

/**
 * Whether a process is alive: it exists and is not a zombie. An orphan that died stays a zombie until its new
 * parent reaps it, and some container inits never do, so `kill(pid, 0)` alone would call it alive.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return !existsProcFs() && canSignal(pid);
  }
}

function existsProcFs(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

function canSignal(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
