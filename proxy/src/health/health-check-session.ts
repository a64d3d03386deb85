import type { HealthCheckConfig } from '../types.js';

/** Why a check failed: the response (status not expected), the connection, or the timeout. */
export type HealthCheckFailure = 'active' | 'network' | 'timeout';

/** Whether a check changed the host's health: Envoy's HealthTransition. */
export type HealthTransition = 'unchanged' | 'changed' | 'change-pending';

/** The host flags a session owns. */
export interface HealthCheckFlags {
  readonly failedActiveHc: boolean;
  readonly pendingActiveHc: boolean;
  readonly activeHcTimeout: boolean;
}

/**
 * One host's active health-check state (Envoy's ActiveHealthCheckSession, health_checker_base_impl.cc), without
 * sockets or timers: the checker reports each check's outcome and schedules the next check after the
 * returned delay.
 *
 * - A host added to a cluster with health checking starts FAILED_ACTIVE_HC (and PENDING_ACTIVE_HC with
 *   `ignore_new_hosts_until_first_hc`); its first passing check makes it healthy at once.
 * - Later, `healthy_threshold` passes in a row clear FAILED_ACTIVE_HC. A failing response (status outside
 *   `expected_statuses`, not retriable) sets it at once; network failures, timeouts and retriable statuses
 *   set it after `unhealthy_threshold` in a row.
 * - The next check comes after `interval`, `unhealthy_interval`, or an edge interval while a change is
 *   pending; before the cluster has had any traffic, after `no_traffic_interval`; plus jitter.
 */
export class HealthCheckSession {
  private flags: HealthCheckFlags;
  private numHealthy = 0;
  private numUnhealthy = 0;
  private isFirstCheck = true;
  private lastCheckPassed = false;

  private readonly config: HealthCheckConfig;

  constructor(config: HealthCheckConfig, options: { readonly excludeUntilFirstCheck: boolean }) {
    this.config = config;
    this.flags = {
      failedActiveHc: true,
      pendingActiveHc: options.excludeUntilFirstCheck,
      activeHcTimeout: false,
    };
  }

  /** The flags this session sets on its host. */
  get hostFlags(): HealthCheckFlags {
    return this.flags;
  }

  /** A check passed (Envoy's handleSuccess without degraded). */
  onSuccess(): HealthTransition {
    this.numUnhealthy = 0;
    let transition: HealthTransition = 'unchanged';
    if (this.flags.failedActiveHc) {
      if (this.isFirstCheck || ++this.numHealthy === this.config.healthyThreshold) {
        this.flags = { ...this.flags, failedActiveHc: false, activeHcTimeout: false };
        transition = 'changed';
      } else {
        transition = 'change-pending';
      }
    }
    transition = this.clearPending(transition);
    this.isFirstCheck = false;
    this.lastCheckPassed = true;
    return transition;
  }

  /**
   * A check failed (Envoy's setUnhealthy). A response failure that is not `retriable` fails the host at once;
   * the others count towards `unhealthy_threshold`.
   */
  onFailure(failure: HealthCheckFailure, isRetriable = false): HealthTransition {
    this.numHealthy = 0;
    let transition: HealthTransition = 'unchanged';
    if (!this.flags.failedActiveHc) {
      if ((failure === 'active' && !isRetriable) || ++this.numUnhealthy === this.config.unhealthyThreshold) {
        this.flags = { ...this.flags, failedActiveHc: true };
        transition = 'changed';
      } else {
        transition = 'change-pending';
      }
    }
    this.flags = { ...this.flags, activeHcTimeout: failure === 'timeout' && this.flags.failedActiveHc };
    transition = this.clearPending(transition);
    this.isFirstCheck = false;
    this.lastCheckPassed = false;
    return transition;
  }

  /**
   * Delay before the next check (Envoy's HealthCheckerImplBase::interval), chosen by whether the last check
   * passed and its `transition`; `hasTraffic` is whether the cluster has ever opened an upstream
   * connection. `random` gives unsigned 32-bit integers for the jitter.
   */
  nextIntervalMs(transition: HealthTransition, hasTraffic: boolean, random: () => number): number {
    const config = this.config;
    const isHealthy = this.lastCheckPassed;
    let baseMs: number;
    if (hasTraffic) {
      if (!isHealthy)
        baseMs =
          transition === 'change-pending' ? config.unhealthyEdgeIntervalMs : config.unhealthyIntervalMs;
      else baseMs = transition === 'change-pending' ? config.healthyEdgeIntervalMs : config.intervalMs;
    } else {
      baseMs =
        isHealthy && transition !== 'change-pending'
          ? config.noTrafficHealthyIntervalMs
          : config.noTrafficIntervalMs;
    }
    return withJitter(baseMs, config.intervalJitterMs, config.intervalJitterPercent, random);
  }

  private clearPending(transition: HealthTransition): HealthTransition {
    if (!this.flags.pendingActiveHc) return transition;
    this.flags = { ...this.flags, pendingActiveHc: false };
    return 'changed';
  }
}

/** Envoy's intervalWithJitter: percent jitter, then absolute jitter, at least 1 ms. */
export function withJitter(
  baseMs: number,
  jitterMs: number,
  jitterPercent: number,
  random: () => number,
): number {
  let ms = baseMs;
  const percentMod = Math.floor((jitterPercent * baseMs) / 100);
  if (percentMod > 0) ms += random() % percentMod;
  if (jitterMs > 0) ms += random() % jitterMs;
  return Math.max(1, ms);
}
