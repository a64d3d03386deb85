import type { ClustersSnapshot } from '../collect/types.js';
import { addTimeout } from './abort.js';
import type { CounterReader } from './counter-reader.js';
import type { RunDrivers } from './run-drivers.js';

// An admin endpoint that stops answering fails the run with a CollectError instead of hanging it.
const SNAPSHOT_TIMEOUT_MS = 10_000;

/** The counter snapshots of one run, and the function that takes the next one. */
export interface SnapshotSeries {
  readonly snapshots: readonly ClustersSnapshot[];
  /** Takes a snapshot after the previous one finished; rejects when this one fails. */
  readonly snapshot: () => Promise<void>;
}

/**
 * The counter snapshots (`/clusters` or another reader's) of one run, taken one at a time so that they are stored in
 * the order they were taken: the deltas read the first as the window's start, the last as its end, and a counter
 * that went down between two as a host that restarted.
 */
export function createSnapshotSeries(
  reader: CounterReader,
  signal: AbortSignal,
  drivers: RunDrivers,
): SnapshotSeries {
  const snapshots: ClustersSnapshot[] = [];
  let previous: Promise<void> = Promise.resolve();
  const snapshot = (): Promise<void> => {
    const taken = previous.then(async () => {
      const options = { signal: addTimeout(signal, SNAPSHOT_TIMEOUT_MS), now: drivers.clock.now };
      snapshots.push(await reader.read(options));
    });
    previous = taken.catch(() => undefined);
    return taken;
  };
  return { snapshots, snapshot };
}

/**
 * Takes a snapshot every `intervalMs` on `drivers.clock` until the returned function is called; a tick that falls
 * while the previous sample is still being taken is skipped. A sample that fails (admin busy for a moment) is
 * skipped too: the window's start and end snapshots decide.
 */
export function startSampling(
  snapshot: () => Promise<void>,
  intervalMs: number,
  drivers: RunDrivers,
): () => void {
  const { clock } = drivers;
  const stopped = new AbortController();
  const sample = async (): Promise<void> => {
    let nextMs = clock.now() + intervalMs;
    for (;;) {
      await clock.sleep(Math.max(0, nextMs - clock.now()), stopped.signal);
      await snapshot().catch(() => undefined);
      while (nextMs <= clock.now()) nextMs += intervalMs;
    }
  };
  // Ends with the AbortedError of `stop`.
  sample().catch(() => undefined);
  return () => {
    stopped.abort();
  };
}
