import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

import { AbortedError, UsageError } from '../errors.js';

/**
 * Reads the start time (epoch ms, one line) from a stream, as the local backend sends it to its generators
 * once every warm-up is done and the proxy's counters are snapshotted.
 * @throws UsageError when the stream ends first or the line is not an epoch ms; AbortedError when `signal` aborts.
 */
export async function readStartLine(input: Readable, signal: AbortSignal): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  const onAbort = (): void => {
    lines.close();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const line of lines) {
      const text = line.trim();
      if (!/^\d+$/.test(text)) {
        throw new UsageError(
          `the start time on stdin must be epoch milliseconds, got ${JSON.stringify(text)}`,
        );
      }
      return Number(text);
    }
    if (signal.aborted) throw new AbortedError('load interrupted while waiting for the start time');
    throw new UsageError('stdin ended before a start time arrived (--start-at stdin)');
  } finally {
    signal.removeEventListener('abort', onAbort);
    lines.close();
  }
}
