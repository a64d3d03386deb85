import { describe, expect, it } from 'vitest';
import { deriveHealthEvents } from '../../../src/collect/health-events.js';
import type { ClustersSnapshot } from '../../../src/collect/types.js';
import { ZERO_HOST_COUNTERS } from '../../../src/collect/host-status-builder.js';

function snapshot(takenAtMs: number, flags: Record<string, string[]>): ClustersSnapshot {
  return {
    takenAtMs,
    clusters: [
      {
        name: 'myapp_cluster',
        hosts: Object.entries(flags).map(([address, healthFlags]) => ({
          address,
          hostname: undefined,
          healthFlags,
          weight: 1,
          counters: ZERO_HOST_COUNTERS,
        })),
      },
    ],
  };
}

describe('deriveHealthEvents', () => {
  it('dates ejection, un-ejection and health-check flips at the first snapshot that shows them', () => {
    const events = deriveHealthEvents(
      [
        snapshot(1000, { 'a:80': [], 'b:80': [] }),
        snapshot(1250, { 'a:80': ['failed_outlier_check'], 'b:80': [] }),
        snapshot(1500, { 'a:80': ['failed_outlier_check'], 'b:80': ['failed_active_hc'] }),
        snapshot(1750, { 'a:80': [], 'b:80': [] }),
      ],
      { clusterName: 'myapp_cluster', podByAddress: new Map([['a:80', 'pod-a']]) },
    );
    expect(events).toEqual([
      { tMs: 250, address: 'a:80', pod: 'pod-a', action: 'eject' },
      { tMs: 500, address: 'b:80', pod: undefined, action: 'hc-fail' },
      { tMs: 750, address: 'a:80', pod: 'pod-a', action: 'uneject' },
      { tMs: 750, address: 'b:80', pod: undefined, action: 'hc-pass' },
    ]);
  });
});
