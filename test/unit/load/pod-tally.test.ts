import { describe, expect, it } from 'vitest';

import { createPodTallyCounter } from '../../../src/load/pod-tally.js';

describe('createPodTallyCounter', () => {
  it('counts the pod header in any case, takes the first of repeated values, and counts the rest as untallied', () => {
    const counter = createPodTallyCounter('x-upstream-pod');
    const responses: (Record<string, unknown> | undefined)[] = [
      { 'X-Upstream-Pod': 'a' },
      { 'x-upstream-pod': 'a' },
      { 'X-UPSTREAM-POD': ['b', 'c'] },
      { 'Content-Type': 'text/plain' },
      { 'X-Upstream-Pod': '' },
      undefined,
    ];
    for (const headers of responses) {
      counter.record(headers);
    }
    expect(counter.snapshot()).toEqual({ byPod: { a: 2, b: 1 }, untallied: 3 });
  });

  it('returns snapshots that later responses do not change', () => {
    const counter = createPodTallyCounter('X-Upstream-Pod');
    counter.record({ 'X-Upstream-Pod': 'a' });
    const first = counter.snapshot();
    counter.record({ 'X-Upstream-Pod': 'a' });
    expect(first.byPod).toEqual({ a: 1 });
    expect(counter.snapshot().byPod).toEqual({ a: 2 });
  });
});
