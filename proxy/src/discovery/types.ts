import type { Resolve } from './resolve.js';

/** One upstream host found by discovery: the resolved IP with the endpoint's port, name and weight. */
export interface DiscoveredHost {
  readonly ip: string;
  readonly port: number;
  /** `endpoint.hostname`, else the DNS name it was resolved from; "" for STATIC clusters without one. */
  readonly hostname: string;
  readonly weight: number;
}

/** Envoy's per-cluster config-update counters that DNS discovery increments. */
export type DiscoveryStat =
  'update_attempt' | 'update_success' | 'update_failure' | 'update_empty' | 'update_no_rebuild';

/** What discovery reports to its owner. */
export interface DiscoveryListener {
  /** Called with the whole merged host list, only when it changed. */
  onHosts(hosts: readonly DiscoveredHost[]): void;
  /** Called once per counter increment. */
  onStat(name: DiscoveryStat): void;
}

/** Everything discovery needs from the outside world: DNS, timers and randomness. */
export interface DiscoveryDeps<Timer> {
  readonly resolve: Resolve;
  readonly setTimer: (fn: () => void, ms: number) => Timer;
  readonly clearTimer: (timer: Timer) => void;
  /** A uniform unsigned 32-bit integer. */
  readonly random: () => number;
}

/** A running discovery of one cluster. */
export interface Discovery {
  /** Settles when the first resolution of any target completes, successful or not (wait_for_warm_on_init), or on stop(). */
  readonly initialized: Promise<void>;
  /** Cancels every timer; answers still in flight are dropped. */
  stop(): void;
}
