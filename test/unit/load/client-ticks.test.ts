import { describe, expect, it } from 'vitest';

import { ClientTickRecorder, mergeClientTicks } from '../../../src/load/client-ticks.js';

describe('ClientTickRecorder', () => {
  it('counts ended requests, failed ones and responses per pod per tick, and starts each tick from zero', () => {
    const ticks = new ClientTickRecorder();
    ticks.count(false);
    ticks.countPod('pod-a');
    ticks.count(true);
    ticks.countPod('pod-b');
    ticks.close(1000.4);
    ticks.count(false);
    ticks.countPod('pod-a');
    ticks.close(1650);
    expect(ticks.list()).toEqual([
      { tMs: 1000, responses: 2, errors: 1, byPod: { 'pod-a': 1, 'pod-b': 1 } },
      { tMs: 1650, responses: 1, errors: 0, byPod: { 'pod-a': 1 } },
    ]);
  });
});

describe('mergeClientTicks', () => {
  it('sums generators tick by tick, keeps the longer list, and ends each tick at the later generator', () => {
    const a = [
      { tMs: 1000, responses: 10, errors: 1, byPod: { 'pod-a': 6, 'pod-b': 3 } },
      { tMs: 2000, responses: 12, errors: 0, byPod: { 'pod-a': 12 } },
    ];
    const b = [{ tMs: 1003, responses: 7, errors: 2, byPod: { 'pod-b': 5 } }];
    expect(mergeClientTicks(a, b)).toEqual([
      { tMs: 1003, responses: 17, errors: 3, byPod: { 'pod-a': 6, 'pod-b': 8 } },
      { tMs: 2000, responses: 12, errors: 0, byPod: { 'pod-a': 12 } },
    ]);
    expect(mergeClientTicks(b, a)).toEqual(mergeClientTicks(a, b));
  });
});
