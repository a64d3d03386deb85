import type { ClusterResources } from '../worker/cluster-resources.js';
import type { ResetReason } from './local-reply.js';
import type { ConnectionOwner, UpstreamStreamHandler } from './upstream-connection.js';
import { UpstreamConnection } from './upstream-connection.js';

/** A request waiting for, or holding, a connection of a pool. */
export interface PoolClient extends UpstreamStreamHandler {
  readonly method: string;
  /** A connection was assigned; write the request now. */
  onAttached(connection: UpstreamConnection): void;
  /** No connection will come: connect failure, connect timeout or circuit-breaker overflow. */
  onPoolFailure(reason: ResetReason): void;
}

/** The host a pool connects to, and its statistics slot. */
export interface PoolHost {
  readonly ip: string;
  readonly port: number;
  readonly slot: number;
}

/** Per-cluster settings of every pool. */
export interface PoolOptions {
  readonly connectTimeoutMs: number;
  /** 0 = unlimited. */
  readonly maxRequestsPerConnection: number;
}

/**
 * One worker's HTTP/1.1 connection pool to one host (Envoy's per-worker conn pool): idle connections are
 * reused, requests wait in a pending queue while connections are made, and the cluster's circuit breakers
 * (shared by all workers) bound connections, pending requests and active requests.
 */
export class HostPool implements ConnectionOwner {
  private readonly idle: UpstreamConnection[] = [];
  private readonly pending: PoolClient[] = [];
  private readonly connections = new Set<UpstreamConnection>();
  /** Busy connections that close after their response (close_connections_on_host_set_change). */
  private readonly retiring = new Set<UpstreamConnection>();
  private connecting = 0;
  private isDraining = false;
  private host: PoolHost;
  private readonly resources: ClusterResources;
  private readonly options: PoolOptions;

  constructor(host: PoolHost, resources: ClusterResources, options: PoolOptions) {
    this.host = host;
    this.resources = resources;
    this.options = options;
  }

  /** Gets a connection for `client` now, queues it, or fails it with overflow. */
  newStream(client: PoolClient): void {
    if (!this.resources.canCreateRequest()) {
      client.onPoolFailure({ kind: 'overflow' });
      return;
    }
    const connection = this.takeIdle();
    if (connection !== undefined) {
      this.attach(connection, client);
      return;
    }
    if (!this.resources.tryAddPending()) {
      client.onPoolFailure({ kind: 'overflow' });
      return;
    }
    this.pending.push(client);
    this.connectIfNeeded();
  }

  /** New connections go to `ip:port` from now on; existing ones stay (LOGICAL_DNS's host got a new address). */
  setAddress(ip: string, port: number): void {
    this.host = { ...this.host, ip, port };
  }

  /** Withdraws a queued request (timeout, downstream gone). */
  cancel(client: PoolClient): void {
    const index = this.pending.indexOf(client);
    if (index === -1) return;
    this.pending.splice(index, 1);
    this.resources.removePending();
  }

  /**
   * The host left the cluster (Envoy's DrainAndDelete): idle connections close now, busy ones after their
   * response; queued requests still get a connection.
   */
  drain(): void {
    this.isDraining = true;
    this.closeIdle();
  }

  /**
   * The cluster's host set changed and close_connections_on_host_set_change is on (Envoy's
   * DrainExistingConnections): idle connections close now, busy ones after their response; connections still
   * being made, and new ones, serve on.
   */
  drainExisting(): void {
    this.closeIdle();
    for (const connection of this.connections) {
      if (connection.isBusy) this.retiring.add(connection);
    }
  }

  onConnected(connection: UpstreamConnection): void {
    this.connecting--;
    this.dispatch(connection);
  }

  onConnectFailed(connection: UpstreamConnection, reason: ResetReason): void {
    this.connecting--;
    this.connections.delete(connection);
    this.resources.stats.onConnectFailed(this.host.slot, reason.kind === 'connect-timeout');
    // Fail the requests that no other connection in progress will serve (Envoy purges pending streams then).
    while (this.pending.length > this.connecting) {
      const client = this.pending.shift();
      if (client === undefined) break;
      this.resources.removePending();
      this.resources.stats.onRequestFailedToConnect(this.host.slot);
      client.onPoolFailure(reason);
    }
  }

  onStreamDone(connection: UpstreamConnection, isReusable: boolean): void {
    this.resources.stats.onStreamEnd(this.host.slot);
    const limit = this.options.maxRequestsPerConnection;
    if (
      !isReusable ||
      this.isDraining ||
      (this.retiring.size > 0 && this.retiring.has(connection)) ||
      (limit > 0 && connection.requestCount >= limit)
    ) {
      connection.close();
      return;
    }
    this.dispatch(connection);
  }

  onClosed(connection: UpstreamConnection): void {
    this.retiring.delete(connection);
    if (!this.connections.delete(connection)) return;
    this.resources.stats.onDisconnected(this.host.slot);
    const index = this.idle.indexOf(connection);
    if (index !== -1) this.idle.splice(index, 1);
    // A request may still wait here if its connection broke: open another one for it.
    this.connectIfNeeded();
  }

  /** Ends an attached request without a response (reset, timeout, abandon). */
  endStream(): void {
    this.resources.stats.onStreamEnd(this.host.slot);
  }

  private closeIdle(): void {
    for (const connection of this.idle.splice(0)) connection.close();
  }

  private dispatch(connection: UpstreamConnection): void {
    const client = this.pending.shift();
    if (client !== undefined) {
      this.resources.removePending();
      this.attach(connection, client);
      return;
    }
    if (this.isDraining) connection.close();
    else this.idle.push(connection);
  }

  private takeIdle(): UpstreamConnection | undefined {
    let connection = this.idle.pop();
    while (connection !== undefined && !connection.isAlive) connection = this.idle.pop();
    return connection;
  }

  private attach(connection: UpstreamConnection, client: PoolClient): void {
    connection.attach(client, client.method);
    this.resources.stats.onStreamStart(this.host.slot);
    client.onAttached(connection);
  }

  private connectIfNeeded(): void {
    while (this.connecting < this.pending.length) {
      // Envoy keeps at least one connection per host even when the cluster is at max_connections.
      if (!this.resources.canCreateConnection() && this.connections.size > 0) return;
      this.connecting++;
      const connection = new UpstreamConnection({
        ip: this.host.ip,
        port: this.host.port,
        connectTimeoutMs: this.options.connectTimeoutMs,
        owner: this,
      });
      this.connections.add(connection);
      this.resources.stats.onConnecting(this.host.slot);
    }
  }
}
