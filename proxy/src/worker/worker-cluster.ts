import { formatHostAddress } from '../admin/host-address.js';
import { HostPool } from '../http/host-pool.js';
import { chooseHost } from '../lb/choose-host.js';
import { createBalancer } from '../lb/create-balancer.js';
import type { Balancer, BalancerHost, ClusterConfig, Clock, PickContext, Rng } from '../types.js';
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

/**
 * One cluster inside one worker: its current hosts, its own balancer state (Envoy gives every worker its own
 * load balancer instance and seed) and their pools; a removed host's pool drains on its own.
 */
export class WorkerCluster {
  readonly config: ClusterConfig;
  readonly resources: ClusterResources;
  private hosts: readonly WorkerHost[] = [];
  private readonly balancer: Balancer;
  private readonly random: Rng;
  private readonly firstTryContext: PickContext;

  constructor(options: {
    config: ClusterConfig;
    resources: ClusterResources;
    random: Rng;
    seed: number;
    now: Clock;
  }) {
    this.config = options.config;
    this.resources = options.resources;
    this.random = options.random;
    this.balancer = createBalancer(
      {
        policy: options.config.lbPolicy,
        roundRobin: options.config.roundRobin,
        leastRequest: options.config.leastRequest,
        ringHash: options.config.ringHash,
        maglev: options.config.maglev,
      },
      options.seed,
      options.now,
    );
    this.firstTryContext = this.createContext(undefined, 0);
  }

  /** Hosts the balancer currently picks from. */
  get hostCount(): number {
    return this.hosts.length;
  }

  /**
   * Picks a host for a request, or for a retry with its `selection` rule; undefined when the cluster has no host
   * (Envoy: 503 no healthy upstream).
   */
  pick(hash: bigint | undefined, selection?: HostSelection): WorkerHost | undefined {
    if (selection === undefined) {
      const context = hash === undefined ? this.firstTryContext : this.createContext(hash, 0);
      return this.hosts[this.balancer.pick(context)];
    }
    const index = chooseHost(this.balancer, (attempt) => this.createContext(hash, attempt), {
      maxAttempts: selection.maxAttempts,
      shouldSelectAnotherHost: (picked) => {
        const host = this.hosts[picked];
        return host !== undefined && selection.shouldSelectAnotherHost(host);
      },
    });
    return this.hosts[index];
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
    this.balancer.setHosts(next);
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
    return { key, ...assignment, pool };
  }

  private createContext(hash: bigint | undefined, attempt: number): PickContext {
    return {
      activeRequests: (index) => {
        const host = this.hosts[index];
        return host === undefined ? 0 : this.resources.getActiveRequests(host.slot);
      },
      random: this.random,
      hash,
      attempt,
    };
  }
}
