import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../src/sim/event-queue.js';

/** Drains the queue into [time, payload] pairs. */
function drain(queue: EventQueue): [number, number][] {
  const popped: [number, number][] = [];
  while (queue.pop()) popped.push([queue.poppedTimeMs, queue.poppedPayload]);
  return popped;
}

describe('EventQueue', () => {
  it('pops in time order, equal times first-in first-out', () => {
    const queue = new EventQueue();
    [5, 3, 9, 1, 1, 7, 3].forEach((timeMs, payload) => {
      queue.push(timeMs, payload);
    });
    expect(drain(queue)).toEqual([
      [1, 3],
      [1, 4],
      [3, 1],
      [3, 6],
      [5, 0],
      [7, 5],
      [9, 2],
    ]);
    expect(queue.pop()).toBe(false);
    expect(queue.size).toBe(0);
  });

  it('behaves like a stable sort under any interleaving of pushes and pops (property)', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), timeMs: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 300 }), (operations) => {
        const queue = new EventQueue();
        const model: { timeMs: number; payload: number }[] = [];
        let payload = 0;
        for (const op of operations) {
          if (op.kind === 'push') {
            queue.push(op.timeMs, payload);
            model.push({ timeMs: op.timeMs, payload });
            payload += 1;
            continue;
          }
          // The model's next event: the earliest time, and among those the earliest pushed.
          const best = model.reduce<number>(
            (bestIndex, event, index) =>
              bestIndex === -1 || event.timeMs < (model[bestIndex]?.timeMs ?? Infinity) ? index : bestIndex,
            -1,
          );
          expect(queue.pop()).toBe(best !== -1);
          if (best === -1) continue;
          const [expected] = model.splice(best, 1);
          expect([queue.poppedTimeMs, queue.poppedPayload]).toEqual([expected!.timeMs, expected!.payload]);
        }
        expect(queue.size).toBe(model.length);
      }),
      { numRuns: 200 },
    );
  });

  it('grows past its initial capacity without losing events', () => {
    const queue = new EventQueue();
    for (let i = 0; i < 1000; i += 1) queue.push((i * 7919) % 1000, i);
    const popped = drain(queue);
    expect(popped).toHaveLength(1000);
    expect(popped.map(([timeMs]) => timeMs)).toEqual([...Array(1000).keys()]);
  });
});
