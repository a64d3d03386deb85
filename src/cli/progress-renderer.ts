import type { ProgressSink } from '../progress.js';

/** Where the renderer writes and what it knows about that stream. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

// Without a TTY, a live status line would flood logs: repeat it at most this often.
const PLAIN_UPDATE_INTERVAL_MS = 5000;

/**
 * Renders progress on stderr: on a terminal, steps as lines and a live status line rewritten in place; elsewhere
 * (CI logs, pipes), plain lines with the status every few seconds into a phase, never a stale one from its start.
 */
export function createProgressRenderer(
  stream: ProgressStream,
  now: () => number = Date.now,
): ProgressSink & { finish(): void } {
  const isTty = stream.isTTY === true;
  let hasLiveLine = false;
  // A phase's first status line in a log comes after the interval, not at once: a line printed as the phase starts
  // is stale (0 %, warm-up) and stays in the log as if it were the run's state.
  let lastPlainUpdateMs = now();
  const clearLive = (): void => {
    if (hasLiveLine) stream.write('\r\x1b[2K');
    hasLiveLine = false;
  };
  return {
    step(message) {
      clearLive();
      lastPlainUpdateMs = now();
      stream.write(`▸ ${message}\n`);
    },
    update(message) {
      if (isTty) {
        stream.write(`\r\x1b[2K  ${message}`);
        hasLiveLine = true;
        return;
      }
      if (now() - lastPlainUpdateMs < PLAIN_UPDATE_INTERVAL_MS) return;
      lastPlainUpdateMs = now();
      stream.write(`  ${message}\n`);
    },
    warn(message) {
      clearLive();
      stream.write(`warning: ${message}\n`);
    },
    finish: clearLive,
  };
}
