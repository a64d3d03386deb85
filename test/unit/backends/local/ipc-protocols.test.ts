import { describe, expect, it } from 'vitest';

import { isDelaySetMessage, isSetDelayMessage } from '../../../../src/backends/local/node-pod-protocol.js';
import { isReaperMessage, isReaperReadyMessage } from '../../../../src/backends/local/reaper-protocol.js';

describe('IPC message guards', () => {
  it.each([
    [{ type: 'set-delay', delayMs: 250 }, true],
    [{ type: 'set-delay', delayMs: 0 }, true],
    [{ type: 'set-delay', delayMs: -1 }, false],
    [{ type: 'set-delay', delayMs: Number.POSITIVE_INFINITY }, false],
    [{ type: 'set-delay' }, false],
    [{ type: 'delay-set', delayMs: 250 }, false],
    [null, false],
    ['set-delay', false],
  ])('isSetDelayMessage(%j) = %s', (message, expected) => {
    expect(isSetDelayMessage(message)).toBe(expected);
  });

  it('tells a delay acknowledgement apart', () => {
    expect(isDelaySetMessage({ type: 'delay-set', delayMs: 5 })).toBe(true);
    expect(isDelaySetMessage({ type: 'set-delay', delayMs: 5 })).toBe(false);
  });

  it.each([
    [{ type: 'watch', pid: 123 }, true],
    [{ type: 'unwatch', pid: 123 }, true],
    [{ type: 'watch', pid: 0 }, false],
    [{ type: 'watch', pid: 1.5 }, false],
    [{ type: 'kill', pid: 123 }, false],
    [undefined, false],
  ])('isReaperMessage(%j) = %s', (message, expected) => {
    expect(isReaperMessage(message)).toBe(expected);
  });

  it('recognises the reaper ready message', () => {
    expect(isReaperReadyMessage({ type: 'reaper-ready' })).toBe(true);
    expect(isReaperReadyMessage({ type: 'watch', pid: 1 })).toBe(false);
  });
});
