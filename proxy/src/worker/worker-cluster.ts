import { formatHostAddress } from '../admin/host-address.js';
import { HostPool } from '../http/host-pool.js';
import { chooseHost } from '../lb/choose-host.js';
import { createBalancer } from '../lb/create-balancer.js';
import type { Balancer, BalancerHost, ClusterConfig, Clock, PickContext, Rng } from '../types.js';
import type { ConsecutiveCounter, OutlierCounters } from '../health/outlier-counters.js';
import { recordConnectSuccess, recordOutlierResult, type OutlierResult } from '../health/outlier-result.js';
import { healthFlagBit, selectHostSource, type HealthFlagBits } from '../health/host-health.js';
import type { ClusterResources } from './cluster-resources.js';
import type { HostAssignment } from './messages.js';

/** A host as one worker uses it: its address, statistics slot and this worker's pool to it. */
export interface WorkerHost extends BalancerHost {
  readonly ip: string;
  readonly port: number;
  readonly slot: number;
  readonly hostname: string;
  readonly pool: HostPool;
}

/** How a retry selects its host: at most `maxAttempts` picks while the predicate rejects the picked host. */
export interface HostSelection {
  readonly maxAttempts: number;
  readonly shouldSelectAnotherHost: (host: WorkerHost) => boolean;
}

/** How a worker takes part in its cluster's outlier detection. */
export interface WorkerOutlier {
  /** The per-host counters every worker shares with the main thread's detector. */
  readonly counters: OutlierCounters;
  /** A consecutive counter reached its threshold: tell the main thread's detector (Envoy posts it there). */
  readonly onThreshold: (slot: number, counter: ConsecutiveCounter) => void;
}

/**
 * One cluster inside one worker: its current hosts, its own balancer state (Envoy gives every worker its own
 * load balancer instance and seed) and their pools; a removed host's pool drains on its own.
 *
 * Host health comes from the main thread (which runs outlier detection and health checking for the whole
 * cluster, as Envoy's main thread does): the balancer picks among the healthy hosts, or among all hosts while
 * the cluster is in panic (`healthy_panic_threshold`). As Envoy keeps separate balancer state per host source,
 * the panic source has its own balancer instance.
 */
export class WorkerCluster {
  readonly config: ClusterConfig;
  readonly resources: ClusterResources;
  private hosts: readonly WorkerHost[] = [];
  private healthFlags: ReadonlyMap<number, HealthFlagBits> = new Map();
  /** The hosts the current balancer picks from: the healthy hosts, or all hosts in panic. */
  private source: readonly WorkerHost[] = [];
  private isPanic = false;
  /** The healthy hosts last given to `balancer`. */
  private healthySource: readonly WorkerHost[] = [];
  private readonly balancer: Balancer;
  /** Balancer over all hosts, for panic; only with outlier detection or health checks (else all are healthy). */
  private readonly panicBalancer: Balancer | undefined;
  private readonly random: Rng;
  private readonly outlier: WorkerOutlier | undefined;
  private readonly firstTryContext: PickContext;
  private readonly now: Clock;

  constructor(options: {
    config: ClusterConfig;
    resources: ClusterResources;
    random: Rng;
    seed: number;
    now: Clock;
    outlier?: WorkerOutlier;
  }) {
    this.config = options.config;
    this.resources = options.resources;
    this.random = options.random;
    this.now = options.now;
    this.outlier = options.config.outlierDetection === undefined ? undefined : options.outlier;
    const balancerOptions = {
      policy: options.config.lbPolicy,
      roundRobin: options.config.roundRobin,
      leastRequest: options.config.leastRequest,
      ringHash: options.config.ringHash,
      maglev: options.config.maglev,
    };
    this.balancer = createBalancer(balancerOptions, options.seed, options.now);
    const hasHealth =
      options.config.outlierDetection !== undefined || options.config.healthCheck !== undefined;
    this.panicBalancer = hasHealth
      ? createBalancer(balancerOptions, options.seed ^ 0x5bd1e995, options.now)
      : undefined;
    this.firstTryContext = this.createContext(undefined, 0);
  }

  /** Hosts the balancer currently picks from. */
  get hostCount(): number {
    return this.source.length;
  }

  /**
   * Picks a host for a request, or for a retry with its `selection` rule; undefined when the cluster has no host
   * (Envoy: 503 no healthy upstream). In panic the pick is among all hosts (`lb_healthy_panic`).
   */
  pick(hash: bigint | undefined, selection?: HostSelection): WorkerHost | undefined {
    let balancer = this.balancer;
    if (this.isPanic && this.panicBalancer !== undefined) {
      this.resources.addCounter('lb_healthy_panic');
      balancer = this.panicBalancer;
    }
    const source = this.source;
    if (selection === undefined) {
      const context = hash === undefined ? this.firstTryContext : this.createContext(hash, 0);
      return source[balancer.pick(context)];
    }
    const index = chooseHost(balancer, (attempt) => this.createContext(hash, attempt), {
      maxAttempts: selection.maxAttempts,
      shouldSelectAnotherHost: (picked) => {
        const host = source[picked];
        return host !== undefined && selection.shouldSelectAnotherHost(host);
      },
    });
    return source[index];
  }

  /** Records an attempt's result for outlier detection (no-op without it). */
  reportOutlierResult(slot: number, result: OutlierResult): void {
    const outlier = this.outlier;
    const settings = this.config.outlierDetection;
    if (outlier === undefined || settings === undefined) return;
    for (const counter of recordOutlierResult(outlier.counters, slot, result, settings))
      outlier.onThreshold(slot, counter);
  }

  /** A request got a connection (Envoy's LocalOriginConnectSuccess). */
  reportConnectSuccess(slot: number): void {
    const settings = this.config.outlierDetection;
    if (this.outlier !== undefined && settings !== undefined)
      recordConnectSuccess(this.outlier.counters, slot, settings);
  }

  /** Applies the main thread's health flags: every host not listed is healthy. */
  setHealth(flags: readonly (readonly [slot: number, bits: HealthFlagBits])[]): void {
    const previous = this.healthFlags;
    this.healthFlags = new Map(flags);
    const failedActiveHc = healthFlagBit('failed_active_hc');
    const hasPassed = (host: WorkerHost): boolean =>
      ((previous.get(host.slot) ?? 0) & failedActiveHc) !== 0 &&
      ((this.healthFlags.get(host.slot) ?? 0) & failedActiveHc) === 0;
    if (!this.hosts.some(hasPassed)) {
      this.updateSource(false);
      return;
    }
    // Passing active health checking after failing it restamps last_hc_pass_time: a new slow-start window.
    const nowMs = this.now();
    this.hosts = this.hosts.map((host) => (hasPassed(host) ? { ...host, slowStartFromMs: nowMs } : host));
    this.updateSource(true);
  }

  /**
   * Applies a new host set: kept hosts keep their pools, removed hosts drain, new hosts get pools. A host is
   * its statistics slot: the main thread gives every new host a slot no current host holds, and keeps the
   * slot of LOGICAL_DNS's single host when its address changes; that pool then makes its new connections to
   * the new address and keeps its existing ones, as Envoy's LogicalHost does.
   */
  setHosts(assignments: readonly HostAssignment[]): void {
    const previous = new Map(this.hosts.map((host) => [host.slot, host]));
    const next = assignments.map((assignment): WorkerHost => {
      const key = formatHostAddress(assignment.ip, assignment.port);
      const kept = previous.get(assignment.slot);
      if (kept === undefined) return this.createHost(key, assignment);
      previous.delete(assignment.slot);
      if (kept.key !== key) {
        kept.pool.setAddress(assignment.ip, assignment.port);
        return { ...kept, key, ip: assignment.ip, port: assignment.port, weight: assignment.weight };
      }
      return kept.weight === assignment.weight ? kept : { ...kept, weight: assignment.weight };
    });
    for (const removed of previous.values()) removed.pool.drain();
    if (
      this.config.closeConnectionsOnHostSetChange &&
      (previous.size > 0 || next.length !== this.hosts.length)
    ) {
      for (const host of next) host.pool.drainExisting();
    }
    this.hosts = next;
    this.updateSource(true);
  }

  /** Chooses the host source from health and panic and hands it to its balancer. */
  private updateSource(isMembershipChange: boolean): void {
    const panicBalancer = this.panicBalancer;
    if (panicBalancer === undefined) {
      this.source = this.hosts;
      this.balancer.setHosts(this.hosts);
      return;
    }
    if (isMembershipChange) panicBalancer.setHosts(this.hosts);
    const flagsOf = (host: WorkerHost): HealthFlagBits => this.healthFlags.get(host.slot) ?? 0;
    const selected = selectHostSource(this.hosts, flagsOf, this.config);
    const healthy = selectHostSource(this.hosts, flagsOf, { ...this.config, healthyPanicThreshold: 0 }).hosts;
    if (isMembershipChange || !sameHosts(healthy, this.healthySource)) this.balancer.setHosts(healthy);
    this.healthySource = healthy;
    this.isPanic = selected.isPanic;
    this.source = selected.isPanic ? this.hosts : healthy;
  }

  /** Closes every pool (shutdown). */
  close(): void {
    for (const host of this.hosts) host.pool.drain();
    this.hosts = [];
  }

  private createHost(key: string, assignment: HostAssignment): WorkerHost {
    const pool = new HostPool(
      { ip: assignment.ip, port: assignment.port, slot: assignment.slot },
      this.resources,
      {
        connectTimeoutMs: this.config.connectTimeoutMs,
        maxRequestsPerConnection: this.config.maxRequestsPerConnection,
      },
    );
    return { key, ...assignment, pool, slowStartFromMs: this.now() };
  }

  private createContext(hash: bigint | undefined, attempt: number): PickContext {
    return {
      activeRequests: (index) => {
        const host = this.source[index];
        return host === undefined ? 0 : this.resources.getActiveRequests(host.slot);
      },
      random: this.random,
      hash,
      attempt,
    };
  }
}

function sameHosts(a: readonly WorkerHost[], b: readonly WorkerHost[]): boolean {
  return a.length === b.length && a.every((host, index) => host === b[index]);
}
