import { Agent, request, type ClientRequest } from 'node:http';
import { healthFlagBit, type HealthFlagBits } from '../health/host-health.js';
import {
  HealthCheckSession,
  withJitter,
  type HealthCheckFailure,
  type HealthTransition,
} from '../health/health-check-session.js';
import type { HealthCheckConfig } from '../types.js';

/** A host to check. */
export interface CheckedHost {
  readonly slot: number;
  readonly ip: string;
  readonly port: number;
}

/** The outcome of one check, for listeners such as outlier detection's un-ejection. */
export interface CheckResult {
  readonly slot: number;
  readonly isPassed: boolean;
  readonly transition: HealthTransition;
}

interface ActiveCheck {
  readonly host: CheckedHost;
  readonly session: HealthCheckSession;
  readonly agent: Agent;
  timer: NodeJS.Timeout | undefined;
  inFlight: ClientRequest | undefined;
  hasCompletedFirst: boolean;
}

/** What a checker needs besides its config. */
export interface HealthCheckerOptions {
  readonly clusterName: string;
  readonly excludeUntilFirstCheck: boolean;
  /** Whether the cluster ever opened an upstream connection (else `no_traffic_interval` applies). */
  readonly hasTraffic: () => boolean;
  readonly random: () => number;
  /** A check completed (flags may have changed). */
  readonly onCheck: (result: CheckResult) => void;
}

const inRanges = (status: number, ranges: readonly (readonly [number, number])[]): boolean =>
  ranges.some(([start, end]) => status >= start && status < end);

/**
 * A cluster's active HTTP health checker on the main thread, as Envoy runs HttpHealthCheckerImpl there: one
 * session per host (see {@link HealthCheckSession} for the state machine), each sending
 * `GET <path>` with `host: <http_health_check.host or the cluster name>` and `user-agent: Envoy/HC` over its
 * own kept-alive connection (`reuse_connection`), failing a check that takes longer than `timeout`.
 */
export class HttpHealthChecker {
  private readonly checks = new Map<number, ActiveCheck>();
  private isStopped = false;
  private readonly config: HealthCheckConfig;
  private readonly options: HealthCheckerOptions;

  constructor(config: HealthCheckConfig, options: HealthCheckerOptions) {
    this.config = config;
    this.options = options;
  }

  /** Starts checking new hosts (their first check goes out at once, or after `initial_jitter`) and stops removed ones. */
  setHosts(hosts: readonly CheckedHost[]): void {
    const next = new Set(hosts.map((host) => host.slot));
    for (const [slot, check] of this.checks) {
      if (next.has(slot)) continue;
      this.stopCheck(check);
      this.checks.delete(slot);
    }
    for (const host of hosts) {
      if (this.checks.has(host.slot)) continue;
      const check: ActiveCheck = {
        host,
        session: new HealthCheckSession(this.config, {
          excludeUntilFirstCheck: this.options.excludeUntilFirstCheck,
        }),
        agent: new Agent({ keepAlive: this.config.reuseConnection, maxSockets: 1 }),
        timer: undefined,
        inFlight: undefined,
        hasCompletedFirst: false,
      };
      this.checks.set(host.slot, check);
      const delayMs =
        this.config.initialJitterMs === 0
          ? 0
          : withJitter(0, this.config.initialJitterMs, 0, this.options.random);
      this.schedule(check, delayMs);
    }
  }

  /** The health-check flags of a host (failed_active_hc, pending_active_hc, active_hc_timeout). */
  flagsOf(slot: number): HealthFlagBits {
    const flags = this.checks.get(slot)?.session.hostFlags;
    if (flags === undefined) return 0;
    return (
      (flags.failedActiveHc ? healthFlagBit('failed_active_hc') : 0) |
      (flags.pendingActiveHc ? healthFlagBit('pending_active_hc') : 0) |
      (flags.activeHcTimeout ? healthFlagBit('active_hc_timeout') : 0)
    );
  }

  /** Whether every current host has completed its first check (Envoy's cluster warming waits for this). */
  get isFirstRoundDone(): boolean {
    return [...this.checks.values()].every((check) => check.hasCompletedFirst);
  }

  stop(): void {
    this.isStopped = true;
    for (const check of this.checks.values()) this.stopCheck(check);
    this.checks.clear();
  }

  private stopCheck(check: ActiveCheck): void {
    clearTimeout(check.timer);
    check.inFlight?.destroy();
    check.agent.destroy();
  }

  private schedule(check: ActiveCheck, delayMs: number): void {
    check.timer = setTimeout(() => {
      this.runCheck(check);
    }, delayMs);
    check.timer.unref();
  }

  private runCheck(check: ActiveCheck): void {
    let isDone = false;
    const finish = (outcome: { status: number } | { failure: HealthCheckFailure }): void => {
      if (isDone || this.isStopped || this.checks.get(check.host.slot) !== check) return;
      isDone = true;
      clearTimeout(timeout);
      check.inFlight = undefined;
      const isPassed = 'status' in outcome && inRanges(outcome.status, this.config.expectedStatuses);
      let transition: HealthTransition;
      if (isPassed) transition = check.session.onSuccess();
      else if ('status' in outcome)
        transition = check.session.onFailure(
          'active',
          inRanges(outcome.status, this.config.retriableStatuses),
        );
      else transition = check.session.onFailure(outcome.failure);
      check.hasCompletedFirst = true;
      this.options.onCheck({ slot: check.host.slot, isPassed, transition });
      this.schedule(
        check,
        check.session.nextIntervalMs(transition, this.options.hasTraffic(), this.options.random),
      );
    };
    const probe = request(
      {
        host: check.host.ip,
        port: check.host.port,
        method: 'GET',
        path: this.config.path,
        agent: check.agent,
        headers: {
          host: this.config.host === '' ? this.options.clusterName : this.config.host,
          'user-agent': 'Envoy/HC',
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          finish({ status: response.statusCode ?? 0 });
        });
        response.on('error', () => {
          finish({ failure: 'network' });
        });
      },
    );
    check.inFlight = probe;
    const timeout = setTimeout(() => {
      finish({ failure: 'timeout' });
      probe.destroy();
    }, this.config.timeoutMs);
    probe.on('error', () => {
      finish({ failure: 'network' });
    });
    probe.end();
  }
}
