import { describe, expect, it } from 'vitest';
import { AbortedError, ClusterError, ProxyError } from '../../../src/errors.js';
import { done, notYet, waitFor, type Poll } from '../../../src/run/wait.js';
import { ManualClock } from '../../support/manual-clock.js';

const options = (clock: ManualClock, signal?: AbortSignal) => ({
  what: 'the pods',
  hint: 'Look at them.',
  timeoutMs: 1_000,
  intervalMs: 100,
  signal,
  clock,
});

/** Runs `waitFor`, moving the clock on until it settles. */
async function drive<T>(clock: ManualClock, waiting: Promise<T>): Promise<T | Error> {
  let result: { value: T } | { error: Error } | undefined;
  void waiting.then(
    (value) => (result = { value }),
    (error: unknown) => (result = { error: error as Error }),
  );
  while (result === undefined) await clock.advance(100);
  return 'value' in result ? result.value : result.error;
}

describe('waitFor', () => {
  it('polls every interval until done and returns the value', async () => {
    const clock = new ManualClock();
    let polls = 0;
    const check = (): Promise<Poll<string>> =>
      Promise.resolve(++polls < 4 ? notYet(`${polls}/4`) : done('ready'));
    expect(await drive(clock, waitFor(check, options(clock)))).toBe('ready');
    expect(clock.sleeps).toEqual([100, 100, 100]);
  });

  it('times out with a ClusterError naming what, the last status and the hint', async () => {
    const clock = new ManualClock();
    const error = await drive(
      clock,
      waitFor(() => Promise.resolve(notYet('2/3 Ready')), options(clock)),
    );
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as Error).message).toBe(
      'Timed out after 1.0 s waiting for the pods; last status: 2/3 Ready. Look at them.',
    );
  });

  it('uses createTimeoutError when given, and stops at once when assertAlive throws', async () => {
    const clock = new ManualClock();
    const custom = await drive(
      clock,
      waitFor(() => Promise.resolve(notYet('no')), {
        ...options(clock),
        createTimeoutError: (status) => new ProxyError(`gave up: ${status}`),
      }),
    );
    expect((custom as Error).message).toBe('gave up: no');
    const dead = new ProxyError('exited');
    const stopped = await drive(
      clock,
      waitFor(() => Promise.resolve(notYet('no')), {
        ...options(clock),
        assertAlive: () => Promise.reject(dead),
      }),
    );
    expect(stopped).toBe(dead);
  });

  it('throws AbortedError when aborted while sleeping between polls', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let polls = 0;
    const waiting = waitFor(
      () => Promise.resolve(notYet(`poll ${++polls}`)),
      options(clock, controller.signal),
    );
    await clock.advance(150);
    controller.abort();
    const error = await drive(clock, waiting);
    expect(error).toBeInstanceOf(AbortedError);
    expect(polls).toBe(2);
    expect(clock.pendingCount).toBe(0);
  });
});
