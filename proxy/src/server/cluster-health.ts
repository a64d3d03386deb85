import { healthFlagBit, type HealthFlagBits } from '../health/host-health.js';
import type { OutlierCounters } from '../health/outlier-counters.js';
import { OutlierDetector } from '../health/outlier-detector.js';
import type { ClusterConfig } from '../types.js';
import type { ClusterHosts, RegisteredHost } from './cluster-hosts.js';
import { HttpHealthChecker } from './http-health-checker.js';

/** What a cluster's health needs from the proxy. */
export interface ClusterHealthDeps {
  readonly hosts: ClusterHosts;
  readonly outlierCounters: OutlierCounters;
  readonly random: () => number;
  /** Whether the cluster ever opened an upstream connection. */
  readonly hasTraffic: () => boolean;
  /** Host flags changed: send them to the workers. */
  readonly publish: () => void;
  /** A host pending removal failed its health check and left the host set. */
  readonly onHostRemoved: () => void;
  readonly log: (message: string) => void;
}

/**
 * A cluster's host health on the main thread, where Envoy keeps it: outlier detection (workers count results
 * into the shared {@link OutlierCounters} and post threshold crossings to {@link onConsecutiveError}; the
 * interval timer is re-armed after each tick as Envoy does) and active HTTP health checking. Every change is
 * published to all workers, so a host is ejected or failed for the whole cluster at once, as Envoy's main
 * thread posts host-set updates to every worker.
 */
export class ClusterHealth {
  readonly detector: OutlierDetector | undefined;
  readonly checker: HttpHealthChecker | undefined;
  private readonly deps: ClusterHealthDeps;
  private readonly config: ClusterConfig;
  private timer: NodeJS.Timeout | undefined;
  private slots = new Set<number>();

  constructor(config: ClusterConfig, deps: ClusterHealthDeps) {
    this.config = config;
    this.deps = deps;
    const outlier = config.outlierDetection;
    this.detector =
      outlier === undefined
        ? undefined
        : new OutlierDetector(outlier, deps.outlierCounters, {
            now: () => performance.now(),
            random: deps.random,
            onChange: (event) => {
              const key = this.keyOf(event.slot);
              const what = event.action === 'eject' ? `ejected (${event.type ?? ''})` : 'un-ejected';
              deps.log(`cluster ${config.name}: host ${key} ${what}, ejections ${event.numEjections}`);
              deps.publish();
            },
          });
    if (outlier !== undefined) {
      const tick = (): void => {
        this.detector?.onIntervalTimer();
        this.timer = setTimeout(tick, outlier.intervalMs).unref();
      };
      this.timer = setTimeout(tick, outlier.intervalMs).unref();
    }
    const check = config.healthCheck;
    this.checker =
      check === undefined
        ? undefined
        : new HttpHealthChecker(check, {
            clusterName: config.name,
            excludeUntilFirstCheck: config.ignoreNewHostsUntilFirstHc,
            hasTraffic: deps.hasTraffic,
            random: deps.random,
            onCheck: (result) => {
              const flags = this.checker?.flagsOf(result.slot) ?? 0;
              if (result.isPassed && (flags & healthFlagBit('failed_active_hc')) === 0)
                this.detector?.onHealthCheckPassed(result.slot);
              if (result.transition !== 'changed') return;
              const isFailed = (flags & healthFlagBit('failed_active_hc')) !== 0;
              deps.log(
                `cluster ${config.name}: host ${this.keyOf(result.slot)} ${isFailed ? 'failed' : 'passed'} active health checking`,
              );
              if (isFailed && deps.hosts.removePending(result.slot)) {
                this.onHosts();
                deps.onHostRemoved();
                return;
              }
              deps.publish();
            },
          });
  }

  /**
   * Whether a host DNS dropped stays until it fails a check (Envoy's PENDING_DYNAMIC_REMOVAL): only with
   * active health checking, without `ignore_health_on_host_removal`, and while it is not failing.
   */
  keepRemoved(host: RegisteredHost): boolean {
    if (this.checker === undefined || this.config.ignoreHealthOnHostRemoval) return false;
    return (this.checker.flagsOf(host.slot) & healthFlagBit('failed_active_hc')) === 0;
  }

  /** Follows the cluster's host set: new hosts are monitored and checked, removed ones forgotten. */
  onHosts(): void {
    const hosts = this.deps.hosts.hosts;
    const next = new Set(hosts.map((host) => host.slot));
    for (const slot of this.slots) if (!next.has(slot)) this.detector?.removeHost(slot);
    for (const slot of next) this.detector?.addHost(slot);
    this.slots = next;
    this.checker?.setHosts(hosts);
  }

  /** A host's flags: health checking's, outlier detection's and pending removal. */
  flagsOf(slot: number): HealthFlagBits {
    return (
      (this.checker?.flagsOf(slot) ?? 0) |
      (this.detector?.isEjected(slot) === true ? healthFlagBit('failed_outlier_check') : 0) |
      (this.deps.hosts.pendingRemoval.has(slot) ? healthFlagBit('pending_dynamic_removal') : 0)
    );
  }

  /** Every host with a flag, as [slot, bits]; the others are healthy. */
  healthFlags(): [number, HealthFlagBits][] {
    return [...this.slots]
      .map((slot): [number, HealthFlagBits] => [slot, this.flagsOf(slot)])
      .filter(([, bits]) => bits !== 0);
  }

  /** Resolves once every host has had its first health check (at once without health checking). */
  async waitFirstChecks(limitMs: number): Promise<void> {
    const deadline = performance.now() + limitMs;
    while (this.checker !== undefined && !this.checker.isFirstRoundDone && performance.now() < deadline)
      await new Promise((done) => setTimeout(done, 10));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.checker?.stop();
  }

  private keyOf(slot: number): string {
    return this.deps.hosts.hosts.find((host) => host.slot === slot)?.key ?? `slot ${slot}`;
  }
}
