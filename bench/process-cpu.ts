import { readFileSync } from 'node:fs';

// Linux reports utime and stime in clock ticks of USER_HZ, 100 on every architecture Node supports.
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, all threads) process `pid` has used so far, in microseconds, from /proc/<pid>/stat. */
export function readProcessCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / TICKS_PER_SECOND;
}

/** Resident set size of process `pid` in KiB, from /proc/<pid>/status. */
export function readProcessRssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
}
