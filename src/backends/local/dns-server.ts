import type { Socket as UdpSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Server, Socket } from 'node:net';
import { ClusterError } from '../../errors.js';
import { answerDnsQuery, isDnsQuery } from './dns-answer.js';
import type { DnsFault, DnsZone } from './dns-answer.js';
import { isValidDomainName, isValidServiceName, normalizeDnsName } from './dns-names.js';
import { bindSockets, closeSockets } from './dns-sockets.js';
import { readTcpFrames, writeTcpFrame } from './dns-tcp-frames.js';

/** Options of {@link startDnsServer}. */
export interface DnsServerOptions {
  /** Loopback address to listen on, e.g. `127.0.0.1`. */
  readonly host: string;
  /** Port for both UDP and TCP; 0 or absent picks a free one. */
  readonly port?: number;
  /** TTL of every record; default 5 s, like CoreDNS's kubernetes plugin. */
  readonly ttlSeconds?: number;
  /** Default `default`. */
  readonly namespace?: string;
  /** Default `cluster.local`. */
  readonly clusterDomain?: string;
}

/** A fault to inject: an error rcode, or `TIMEOUT` (the query is dropped unanswered). */
export type DnsFaultKind = DnsFault | 'TIMEOUT';

/** A running kube-dns stand-in that answers headless-Service names over UDP and TCP on one port. */
export interface DnsServer {
  readonly host: string;
  /** The same port for UDP and TCP. */
  readonly port: number;
  /** Sets the Ready pod IPs of a headless Service; an empty list answers NXDOMAIN, as CoreDNS does. */
  setService(name: string, ips: readonly string[]): void;
  /** Forgets a Service; its names answer NXDOMAIN. */
  removeService(name: string): void;
  /** Makes the next `count` queries fail with `rcode` (replacing faults still pending); 0 clears them. */
  failNext(count: number, rcode: DnsFaultKind): void;
  close(): Promise<void>;
}

const TCP_IDLE_TIMEOUT_MS = 30_000;

/** Starts the embedded DNS server; rejects with `PortTakenError` when a given port is in use. */
export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const zone = createZone(options);
  const services = new Map<string, readonly string[]>();
  let faults: DnsFaultKind[] = [];
  const answer = (message: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined => {
    const fault = isDnsQuery(message) ? faults.shift() : undefined;
    if (fault === 'TIMEOUT') {
      return undefined;
    }
    return answerDnsQuery(message, { zone: { ...zone, services }, transport, fault });
  };
  const { udp, tcp, port } = await bindSockets(options.host, options.port ?? 0);
  const connections = new Set<Socket>();
  let closing: Promise<void> | undefined;
  serveUdp(udp, (message) => answer(message, 'udp'));
  serveTcp(tcp, connections, (message) => answer(message, 'tcp'));
  return {
    host: options.host,
    port,
    setService: (name, ips) => {
      services.set(validateServiceName(name), ips.map(validatePodIp));
    },
    removeService: (name) => {
      services.delete(normalizeDnsName(name));
    },
    failNext: (count, rcode) => {
      faults = Array.from({ length: Math.max(0, Math.floor(count)) }, () => rcode);
    },
    close: () => {
      closing ??= closeSockets(udp, tcp, connections);
      return closing;
    },
  };
}

function createZone(options: DnsServerOptions): Omit<DnsZone, 'services'> {
  const namespace = normalizeDnsName(options.namespace ?? 'default');
  const clusterDomain = normalizeDnsName(options.clusterDomain ?? 'cluster.local');
  const ttlSeconds = options.ttlSeconds ?? 5;
  if (!isValidServiceName(namespace) || !isValidDomainName(clusterDomain)) {
    throw new ClusterError(
      `dns-server: namespace "${namespace}" must be a DNS label and clusterDomain "${clusterDomain}" a DNS name (lowercase letters, digits, '-')`,
    );
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0 || ttlSeconds > 2 ** 31 - 1) {
    throw new ClusterError(
      `dns-server: ttlSeconds must be an integer from 0 to 2147483647, got ${ttlSeconds}`,
    );
  }
  return { namespace, clusterDomain, ttlSeconds };
}

function validateServiceName(name: string): string {
  const normalized = normalizeDnsName(name);
  if (!isValidServiceName(normalized)) {
    throw new ClusterError(
      `dns-server: service name "${name}" is not a DNS label: use letters, digits and '-', at most 63 characters`,
    );
  }
  return normalized;
}

function validatePodIp(ip: string): string {
  if (isIP(ip) === 0 || ip.includes('%')) {
    throw new ClusterError(`dns-server: pod IP "${ip}" is not an IPv4 or IPv6 address`);
  }
  return ip;
}

function serveUdp(udp: UdpSocket, answer: (message: Buffer) => Buffer | undefined): void {
  udp.on('message', (message, remote) => {
    const reply = answer(message);
    if (reply !== undefined) {
      // A client that went away makes the send fail; there is nobody to tell.
      udp.send(reply, remote.port, remote.address, () => undefined);
    }
  });
}

function serveTcp(
  tcp: Server,
  connections: Set<Socket>,
  answer: (message: Buffer) => Buffer | undefined,
): void {
  tcp.on('connection', (socket) => {
    connections.add(socket);
    socket.setTimeout(TCP_IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { messages, rest } = readTcpFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const message of messages) {
        const reply = answer(message);
        if (reply !== undefined && !socket.destroyed) {
          socket.write(writeTcpFrame(reply));
        }
      }
    });
  });
}
