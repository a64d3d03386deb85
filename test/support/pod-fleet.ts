import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How a test pod answers. */
export type PodBehaviour =
  | { readonly kind: 'ok'; readonly delayMs?: number; readonly status?: number; readonly bodyBytes?: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'close-delimited' }
  | { readonly kind: 'echo' };

/** One test pod: an HTTP server on its own loopback address that names itself in `x-upstream-pod`. */
export interface TestPod {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  behaviour: PodBehaviour;
  /** Requests this pod received. */
  requests: number;
  close(): Promise<void>;
}

function respond(pod: TestPod, request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  const socket = request.socket;
  const behaviour = pod.behaviour;
  switch (behaviour.kind) {
    case 'hang':
      return;
    case 'reset':
      socket.destroy();
      return;
    case 'close-delimited':
      // No content-length and no chunking: the body ends when the connection closes (RFC 9112 §6.3 rule 8).
      socket.end(
        `HTTP/1.1 200 OK\r\nx-upstream-pod: ${pod.name}\r\nconnection: close\r\n\r\nclose-delimited from ${pod.name}`,
      );
      return;
    case 'echo':
      response.writeHead(200, {
        'x-upstream-pod': pod.name,
        'x-seen-host': request.headers.host ?? '',
        'x-seen-headers': Object.keys(request.headers).join(','),
        'content-type': 'application/octet-stream',
      });
      response.end(body);
      return;
    case 'ok': {
      const send = (): void => {
        const payload =
          behaviour.bodyBytes === undefined ? `ok from ${pod.name}\n` : Buffer.alloc(behaviour.bodyBytes, 97);
        response.writeHead(behaviour.status ?? 200, { 'x-upstream-pod': pod.name, server: 'test-pod' });
        response.end(payload);
      };
      if ((behaviour.delayMs ?? 0) > 0) setTimeout(send, behaviour.delayMs);
      else send();
    }
  }
}

/** Starts a pod on `ip` (any 127.x address) and `port` (0 = any free port). */
export async function startTestPod(
  name: string,
  ip: string,
  port: number,
  behaviour: PodBehaviour = { kind: 'ok' },
): Promise<TestPod> {
  const sockets = new Set<Socket>();
  const holder: { server?: Server } = {};
  const pod: TestPod = {
    name,
    ip,
    port,
    behaviour,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        holder.server?.close(() => {
          resolve();
        });
      }),
  };
  const server = createServer((request, response) => {
    pod.requests++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      respond(pod, request, response, Buffer.concat(chunks));
    });
  });
  holder.server = server;
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => {
      resolve();
    });
  });
  return Object.assign(pod, { port: (server.address() as AddressInfo).port });
}

/** Starts `count` pods on 127.0.1.1, 127.0.1.2, … all on one port, like pods sharing a container port. */
export async function startPodFleet(count: number, firstOctet = 1): Promise<TestPod[]> {
  const first = await startTestPod('pod-0', `127.0.${firstOctet}.1`, 0);
  const rest = await Promise.all(
    Array.from({ length: count - 1 }, (_, index) =>
      startTestPod(`pod-${index + 1}`, `127.0.${firstOctet}.${index + 2}`, first.port),
    ),
  );
  return [first, ...rest];
}
