import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { pickClusterIpEndpoint } from '../cluster-ip-pick.js';

/** A TCP endpoint the balancer may send a connection to (a Ready pod). */
export interface L4Endpoint {
  readonly ip: string;
  readonly port: number;
}

/** What an {@link L4Balancer} needs. */
export interface L4BalancerOptions {
  /** Loopback address to listen on; port 0 picks a free one. */
  readonly host: string;
  readonly port: number;
  /** The endpoints now (the Ready pods), read at each new connection so scale and kill events apply at once. */
  readonly listEndpoints: () => readonly L4Endpoint[];
  /** The seeded random source of the picks. */
  readonly rng: () => number;
}

type BalancerState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'listening'; readonly server: net.Server }
  | { readonly phase: 'closed' };

/**
 * The local backend's emulation of a ClusterIP Service: a TCP listener that sends each new client connection to an
 * endpoint picked as kube-proxy's iptables mode picks it ({@link pickClusterIpEndpoint}) and splices bytes both
 * ways until either side closes. Half-closes pass through (a client's FIN ends the upstream's write side and the
 * response still flows back); an error or reset on one side resets the other, so a connection to a killed pod
 * breaks for the client as it would behind kube-proxy. Requests on one connection all go to its pod: it balances
 * connections, never requests.
 */
export class L4Balancer {
  readonly #options: L4BalancerOptions;
  readonly #sockets = new Set<net.Socket>();
  #state: BalancerState = { phase: 'idle' };
  #connections = 0;

  constructor(options: L4BalancerOptions) {
    this.#options = options;
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<AddressInfo> {
    if (this.#state.phase !== 'idle') throw new Error(`the L4 balancer is ${this.#state.phase}`);
    const server = net.createServer({ allowHalfOpen: true }, (client) => {
      this.#accept(client);
    });
    this.#state = { phase: 'listening', server };
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, this.#options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  /** Connections accepted so far. */
  get connectionCount(): number {
    return this.#connections;
  }

  /** Stops listening and resets every open connection; safe to call more than once. */
  async close(): Promise<void> {
    const state = this.#state;
    this.#state = { phase: 'closed' };
    if (state.phase !== 'listening') return;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      state.server.close(() => {
        resolve();
      });
    });
  }

  #accept(client: net.Socket): void {
    this.#connections += 1;
    const endpoints = this.#options.listEndpoints();
    const index = pickClusterIpEndpoint(endpoints.length, this.#options.rng);
    const endpoint = index === undefined ? undefined : endpoints[index];
    this.#track(client);
    if (endpoint === undefined) {
      // No Ready endpoint: kube-proxy rejects the connection (ICMP port unreachable); a reset is the TCP view of it.
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: endpoint.ip, port: endpoint.port, allowHalfOpen: true });
    this.#track(upstream);
    splice(client, upstream);
  }

  #track(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }
}

/**
 * Pipes bytes both ways with backpressure. An end on one side ends the other's write side (half-close, through
 * `pipe`). An upstream that closes without having ended (refused, reset, killed) resets the client, so the client
 * sees its connection break; a client that goes away takes its upstream connection with it.
 */
function splice(client: net.Socket, upstream: net.Socket): void {
  client.pipe(upstream);
  upstream.pipe(client);
  // The close handlers act on errors; these only keep an error from being unhandled.
  client.on('error', () => undefined);
  upstream.on('error', () => undefined);
  client.on('close', () => {
    upstream.destroy();
  });
  upstream.on('close', () => {
    if (!upstream.readableEnded && !client.destroyed) client.resetAndDestroy();
  });
}
