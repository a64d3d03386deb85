import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import { PortTakenError } from '../../errors.js';
import { isRecord } from './manifest-templates.js';

/** A local TCP listener on 127.0.0.1 whose connections are forwarded to a pod port. */
export interface PortForwardHandle {
  readonly localPort: number;
  /** `http://127.0.0.1:<localPort>` */
  readonly url: string;
  readonly target: string;
  /** The last error a forwarded connection met (a 403, "failed to connect"…), for timeout messages. */
  lastError(): string | undefined;
  /** Stops listening and closes every forwarded connection. */
  close(): Promise<void>;
}

/** The part of a `ws` WebSocket that the forwarder needs (client-node's types leave it untyped). */
interface ForwardSocket {
  on(event: 'close', listener: () => void): unknown;
  close(): void;
}

function isForwardSocket(value: unknown): value is ForwardSocket {
  return isRecord(value) && typeof value.on === 'function' && typeof value.close === 'function';
}

function createErrorSink(onError: (message: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      // The first frame of the error channel only carries the port number, stripped by client-node.
      if (chunk.length > 0) {
        onError(chunk.toString('utf8'));
      }
      callback();
    },
  });
}

function forwardConnection(
  forwarder: PortForward,
  target: { namespace: string; pod: string; port: number },
  socket: Socket,
  sockets: Set<ForwardSocket>,
  onError: (message: string) => void,
): void {
  socket.on('error', () => socket.destroy());
  const errors = createErrorSink((message) => {
    onError(message);
    socket.destroy(new Error(`port-forward to ${target.pod}:${target.port}: ${message}`));
  });
  forwarder
    .portForward(target.namespace, target.pod, [target.port], socket, errors, socket)
    .then((opened: unknown) => {
      if (!isForwardSocket(opened)) {
        socket.destroy();
        return;
      }
      sockets.add(opened);
      // client-node does not end the local side when the API server closes the stream.
      opened.on('close', () => {
        sockets.delete(opened);
        socket.end();
      });
      if (socket.destroyed) {
        opened.close();
        return;
      }
      socket.on('close', () => {
        opened.close();
      });
    })
    .catch((error: unknown) => {
      onError(error instanceof Error ? error.message : String(error));
      socket.destroy();
    });
}

/**
 * Starts a local TCP server on 127.0.0.1:0 that forwards each connection to `port` of `pod` through
 * the API server's `portforward` subresource (client-node's WebSocket PortForward, no kubectl).
 */
export async function startPortForward(
  kubeConfig: KubeConfig,
  target: { namespace: string; pod: string; port: number },
): Promise<PortForwardHandle> {
  const forwarder = new PortForward(kubeConfig, true);
  const sockets = new Set<ForwardSocket>();
  const connections = new Set<Socket>();
  let lastError: string | undefined;
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    forwardConnection(forwarder, target, socket, sockets, (message) => {
      lastError = message.trim();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      reject(new PortTakenError('127.0.0.1:0', { cause: error }));
    });
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const localPort = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    localPort,
    url: `http://127.0.0.1:${localPort}`,
    target: `${target.namespace}/${target.pod}:${target.port}`,
    lastError: () => lastError,
    close: async () => {
      for (const ws of sockets) {
        ws.close();
      }
      for (const socket of connections) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
