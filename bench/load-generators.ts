import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

const execFileAsync = promisify(execFile);

/** What one load run measured. */
export interface LoadFigures {
  readonly requestsPerSecond: number;
  /** Requests completed in the run. */
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

/** A load generator: the same one drives every proxy of a benchmark. */
export interface LoadGenerator {
  readonly name: string;
  run(url: string, options: { connections: number; durationSeconds: number }): Promise<LoadFigures>;
}

function parseWrkDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (match === null) return Number.NaN;
  const value = Number(match[1]);
  const unit = match[2];
  return unit === 'us' ? value / 1000 : unit === 's' ? value * 1000 : unit === 'm' ? value * 60_000 : value;
}

/** Reads requests/s, p50 and p99 from `wrk --latency` output. */
function parseWrkOutput(output: string): LoadFigures {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output)?.[1];
  const requests = /(\d+) requests in /.exec(output)?.[1];
  const p50 = /^\s+50%\s+(\S+)/m.exec(output)?.[1];
  const p99 = /^\s+99%\s+(\S+)/m.exec(output)?.[1];
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1];
  if (rps === undefined || requests === undefined || p50 === undefined || p99 === undefined)
    throw new Error(`unexpected wrk output:\n${output}`);
  const errors =
    (socketErrors === null ? 0 : socketErrors.slice(1).reduce((sum, count) => sum + Number(count), 0)) +
    Number(non2xx ?? 0);
  return {
    requestsPerSecond: Number(rps),
    requests: Number(requests),
    p50Ms: parseWrkDuration(p50),
    p99Ms: parseWrkDuration(p99),
    errors,
  };
}

/** wrk with one thread (the machine's other core runs the proxy under test). */
export const WRK: LoadGenerator = {
  name: 'wrk (1 thread)',
  async run(url, options) {
    const { stdout } = await execFileAsync('wrk', [
      '-t1',
      `-c${options.connections}`,
      `-d${options.durationSeconds}s`,
      '--latency',
      url,
    ]);
    return parseWrkOutput(stdout);
  },
};

/** autocannon, for machines without wrk (whole-millisecond latency). */
export const AUTOCANNON: LoadGenerator = {
  name: 'autocannon (1 ms latency resolution)',
  async run(url, options) {
    const result = await autocannon({
      url,
      connections: options.connections,
      duration: options.durationSeconds,
    });
    return {
      requestsPerSecond: result.requests.average,
      requests: result.requests.total,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors + result.non2xx,
    };
  },
};
