import { describe, expect, it } from 'vitest';
import { AbortedError, ClusterError } from '../../../src/errors.js';
import type { AppliedEvent } from '../../../src/results/types.js';
import { applyScenarioEvents } from '../../../src/run/apply-events.js';
import type { ScenarioEvent } from '../../../src/scenario/types.js';
import { ManualClock, settle } from '../../support/manual-clock.js';
import { RecordingBackend } from '../../support/recording-backend.js';

async function start(events: readonly ScenarioEvent[], signal = new AbortController().signal) {
  const backend = new RecordingBackend(3);
  await backend.up();
  backend.log.length = 0;
  const clock = new ManualClock();
  const applied: AppliedEvent[] = [];
  const settled = applyScenarioEvents(events, {
    backend,
    signal,
    windowStartMs: clock.now(),
    clock,
    applied,
    beforeEach: () => {
      backend.log.push(`before @${clock.now()}`);
      return Promise.resolve();
    },
    afterEach: () => {
      backend.log.push('after');
      return Promise.resolve();
    },
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { backend, clock, applied, settled };
}

describe('applyScenarioEvents', () => {
  it('applies events in time order, each at its time, with a snapshot right before and a re-read after', async () => {
    const { backend, clock, applied, settled } = await start([
      { atMs: 500, action: 'kill', pod: 1 },
      { atMs: 100, action: 'scale', replicas: 4 },
      { atMs: 300, action: 'slow', pod: 0, delayMs: 50 },
    ]);
    await clock.advance(1000);
    expect(await settled).toBeUndefined();
    expect(backend.log).toEqual([
      'before @100',
      'scale 4',
      'after',
      'before @300',
      'slow pod-1 50',
      'after',
      'before @500',
      'kill pod-2',
      'after',
    ]);
    expect(clock.sleeps).toEqual([100, 200, 200]);
    expect(applied.map((event) => [event.action, event.appliedAtMs, event.detail])).toEqual([
      ['scale', 100, 'scaled myapp from 3 to 4 replicas'],
      ['slow', 300, 'pod-1 now answers 50 ms later'],
      ['kill', 500, 'killed pod-2 (10.0.0.2)'],
    ]);
  });

  it('applies nothing more once aborted while waiting for the next event', async () => {
    const controller = new AbortController();
    const { backend, clock, applied, settled } = await start(
      [
        { atMs: 100, action: 'scale', replicas: 4 },
        { atMs: 800, action: 'kill', pod: 0 },
      ],
      controller.signal,
    );
    await clock.advance(400);
    controller.abort();
    expect(await settled).toBeInstanceOf(AbortedError);
    await clock.advance(1000);
    expect(backend.log).toEqual(['before @100', 'scale 4', 'after']);
    expect(applied).toHaveLength(1);
    expect(clock.pendingCount).toBe(0);
  });

  it('stops at an event that fails, with its error, and applies no later event', async () => {
    const { backend, clock, applied, settled } = await start([
      { atMs: 100, action: 'kill', pod: 0 },
      { atMs: 200, action: 'scale', replicas: 5 },
    ]);
    const failure = new ClusterError('the pod would not die');
    backend.failures.kill = failure;
    await clock.advance(1000);
    expect(await settled).toBe(failure);
    expect(backend.log).toEqual(['before @100', 'kill pod-1']);
    expect(applied).toEqual([]);
  });

  it('records a pod index beyond the pods as not applied instead of failing', async () => {
    const { backend, clock, applied, settled } = await start([{ atMs: 0, action: 'kill', pod: 7 }]);
    await settle();
    await clock.advance(0);
    expect(await settled).toBeUndefined();
    expect(backend.log).toEqual(['before @0', 'after']);
    expect(applied[0]?.detail).toBe('no pod #7 to kill (3 pods)');
  });
});
