import type { HealthEvent } from '../results/types.js';
import type { ClustersSnapshot } from './types.js';

/** Which flag changes become events: outlier ejection and active health checking. */
const TRACKED: readonly { flag: string; set: HealthEvent['action']; cleared: HealthEvent['action'] }[] = [
  { flag: 'failed_outlier_check', set: 'eject', cleared: 'uneject' },
  { flag: 'failed_active_hc', set: 'hc-fail', cleared: 'hc-pass' },
];

/**
 * The ejections, un-ejections and health-check flips of one cluster's hosts, read from consecutive /clusters
 * snapshots (`/failed_outlier_check`, `/failed_active_hc`; a real Envoy's flags read the same). Times are from
 * the first snapshot, like the timeline; a change is dated at the snapshot that first shows it, so it happened
 * at most one snapshot interval earlier. Pure.
 */
export function deriveHealthEvents(
  snapshots: readonly ClustersSnapshot[],
  options: { readonly clusterName: string; readonly podByAddress: ReadonlyMap<string, string> },
): HealthEvent[] {
  const startMs = snapshots[0]?.takenAtMs ?? 0;
  const events: HealthEvent[] = [];
  let previous = new Map<string, readonly string[]>();
  snapshots.forEach((snapshot, index) => {
    const cluster = snapshot.clusters.find((candidate) => candidate.name === options.clusterName);
    const current = new Map((cluster?.hosts ?? []).map((host) => [host.address, host.healthFlags]));
    if (index > 0) {
      for (const [address, flags] of current) {
        const before = previous.get(address) ?? [];
        for (const { flag, set, cleared } of TRACKED) {
          const action = flags.includes(flag) && !before.includes(flag) ? set : undefined;
          const clearedAction = !flags.includes(flag) && before.includes(flag) ? cleared : undefined;
          const happened = action ?? clearedAction;
          if (happened !== undefined)
            events.push({
              tMs: snapshot.takenAtMs - startMs,
              address,
              pod: options.podByAddress.get(address),
              action: happened,
            });
        }
      }
    }
    previous = current;
  });
  return events;
}
