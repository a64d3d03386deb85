import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP } from 'node:net';
import type { Server, Socket } from 'node:net';
import { ClusterError, PortTakenError } from '../../errors.js';

const BIND_ATTEMPTS = 20;

/**
 * Binds a UDP socket and a TCP server to the same port, UDP first; with port 0, retries when TCP finds the
 * port UDP got already taken. A given port in use rejects with {@link PortTakenError}.
 */
export async function bindSockets(
  host: string,
  port: number,
): Promise<{ udp: UdpSocket; tcp: Server; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const udp = await bindUdp(host, port);
    const boundPort = udp.address().port;
    try {
      return { udp, tcp: await listenTcp(host, boundPort), port: boundPort };
    } catch (error) {
      await closeUdp(udp);
      if (port !== 0 || getErrorCode(error) !== 'EADDRINUSE' || attempt >= BIND_ATTEMPTS) {
        throw toBindError(error, host, boundPort, 'tcp');
      }
    }
  }
}

function bindUdp(host: string, port: number): Promise<UdpSocket> {
  const udp = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    udp.once('error', (error) => {
      udp.close(() => {
        reject(toBindError(error, host, port, 'udp'));
      });
    });
    udp.bind({ address: host, port, exclusive: true }, () => {
      udp.removeAllListeners('error');
      udp.on('error', () => undefined);
      resolve(udp);
    });
  });
}

function listenTcp(host: string, port: number): Promise<Server> {
  const tcp = createServer();
  return new Promise((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen({ host, port, exclusive: true }, () => {
      tcp.off('error', reject);
      resolve(tcp);
    });
  });
}

function toBindError(error: unknown, host: string, port: number, protocol: 'udp' | 'tcp'): Error {
  if (error instanceof ClusterError || error instanceof PortTakenError) {
    return error;
  }
  const address = `${isIP(host) === 6 ? `[${host}]` : host}:${port}/${protocol}`;
  if (getErrorCode(error) === 'EADDRINUSE') {
    return new PortTakenError(address, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ClusterError(`the embedded DNS server could not listen on ${address}: ${reason}`, {
    cause: error,
  });
}

function getErrorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function closeUdp(udp: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    udp.close(() => {
      resolve();
    });
  });
}

/** Closes both sockets and destroys open TCP connections. */
export async function closeSockets(udp: UdpSocket, tcp: Server, connections: Set<Socket>): Promise<void> {
  const tcpClosed = new Promise<void>((resolve) => {
    tcp.close(() => {
      resolve();
    });
  });
  for (const socket of connections) {
    socket.destroy();
  }
  await Promise.all([closeUdp(udp), tcpClosed]);
}
