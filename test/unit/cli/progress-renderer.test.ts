import { describe, expect, it } from 'vitest';
import { createProgressRenderer } from '../../../src/cli/progress-renderer.js';

function capture(isTTY: boolean): { text: () => string; write: (chunk: string) => void; isTTY: boolean } {
  let text = '';
  return { text: () => text, write: (chunk) => (text += chunk), isTTY };
}

describe('createProgressRenderer', () => {
  it('on a terminal rewrites one live line and clears it before a step', () => {
    const stream = capture(true);
    const progress = createProgressRenderer(stream);
    progress.update('a');
    progress.update('b');
    progress.step('next');
    progress.warn('careful');
    expect(stream.text()).toBe('\r\x1b[2K  a\r\x1b[2K  b\r\x1b[2K▸ next\nwarning: careful\n');
  });

  it('in a log prints plain lines and repeats the status at most every 5 s, never at the start of a phase', () => {
    const stream = capture(false);
    let nowMs = 0;
    const progress = createProgressRenderer(stream, () => nowMs);
    progress.step('ROUND_ROBIN');
    progress.update('stale');
    nowMs = 1000;
    progress.update('skipped');
    nowMs = 5000;
    progress.update('second');
    nowMs = 6000;
    progress.update('skipped too');
    progress.step('RANDOM');
    nowMs = 7000;
    progress.update('stale again');
    nowMs = 11_000;
    progress.update('third');
    expect(stream.text()).toBe('▸ ROUND_ROBIN\n  second\n▸ RANDOM\n  third\n');
  });
});
