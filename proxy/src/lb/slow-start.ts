import type { BalancerHost, Clock, SlowStartConfig } from '../types.js';

/** Envoy's `applyAggressionFactor`: the time factor raised to 1/aggression (untouched at 1.0). */
function applyAggression(timeFactor: number, aggression: number): number {
  return aggression === 1 || timeFactor === 1 ? timeFactor : Math.pow(timeFactor, 1 / aggression);
}

/**
 * The slow-start weight factor of a host that has been in the set for `ageMs` (Envoy's `applySlowStartFactor`):
 * `max(min_weight_percent / 100, (max(1 ms, age) / window) ^ (1 / aggression))` while the age, in whole
 * milliseconds, is below the window, else 1. An aggression ≤ 0 or NaN acts as 1.0, as in Envoy.
 */
export function getSlowStartFactor(config: SlowStartConfig, ageMs: number): number {
  const wholeAgeMs = Math.floor(ageMs);
  if (wholeAgeMs >= config.windowMs) return 1;
  const aggression = config.aggression > 0 ? config.aggression : 1;
  const timeFactor = Math.max(1, wholeAgeMs) / config.windowMs;
  return Math.max(applyAggression(timeFactor, aggression), config.minWeightPercent / 100);
}

/**
 * The slow-start bookkeeping of one worker's EDF balancer (Envoy's `EdfLoadBalancerBase`): when each host's window
 * began (its `slowStartFromMs`, Envoy's `last_hc_pass_time`, else the first time the balancer sees it), and the
 * latest such time. A host that is ejected by outlier detection keeps its window, as in Envoy; one that passes
 * active health checking after failing it starts a new one. Envoy starts that latest time at the balancer's creation,
 * so the hosts present at start-up all ramp up together in the first window and slow start changes little then.
 */
export class SlowStartTracker {
  readonly config: SlowStartConfig;
  private readonly now: Clock;
  private readonly enteredMs = new Map<string, number>();
  private latestHostAddedMs: number;

  constructor(config: SlowStartConfig, now: Clock) {
    this.config = config;
    this.now = now;
    this.latestHostAddedMs = now();
  }

  /**
   * Takes a new host set (Envoy's `recalculateHostsInSlowStart`); returns each host's entry time, index for index.
   * Hosts that left are forgotten: one that comes back is a new host with a new window.
   */
  setHosts(hosts: readonly BalancerHost[]): Float64Array {
    const nowMs = this.now();
    const kept = new Map<string, number>();
    const entered = Float64Array.from(hosts, (host) => {
      const enteredMs = host.slowStartFromMs ?? this.enteredMs.get(host.key) ?? kept.get(host.key) ?? nowMs;
      kept.set(host.key, enteredMs);
      if (enteredMs > this.latestHostAddedMs && nowMs - enteredMs <= this.config.windowMs)
        this.latestHostAddedMs = enteredMs;
      return enteredMs;
    });
    this.enteredMs.clear();
    for (const [key, enteredMs] of kept) this.enteredMs.set(key, enteredMs);
    return entered;
  }

  /** Whether some host may still be in its window (Envoy's `!noHostsAreInSlowStart()`), at `nowMs`. */
  isAnyHostInSlowStart(nowMs: number = this.now()): boolean {
    return nowMs - this.latestHostAddedMs <= this.config.windowMs;
  }

  /** `weight` scaled by the slow-start factor of a host that entered at `enteredMs`, at `nowMs`. */
  applyFactor(weight: number, enteredMs: number, nowMs: number): number {
    return weight * getSlowStartFactor(this.config, nowMs - enteredMs);
  }
}
