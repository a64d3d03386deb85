import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMyappHandler } from '../local/myapp-handler.js';

/** nginx's keepalive_timeout default (75 s), so the proxy keeps idle connections as it would to nginx. */
const KEEP_ALIVE_TIMEOUT_MS = 75_000;
/** A delay body is a few bytes of JSON; anything longer is not ours. */
const MAX_CONTROL_BODY_BYTES = 1024;

/** Where and as whom a pod server listens. */
export interface PodServerOptions {
  readonly host: string;
  readonly port: number;
  readonly controlPort: number;
  /** The pod's name, sent as `X-Upstream-Pod` (nginx's `$hostname` in a pod). */
  readonly podName: string;
  readonly delayMs: number;
}

/** A running pod server: the myapp port and the control port. */
export interface PodServer {
  readonly port: number;
  readonly controlPort: number;
  delayMs(): number;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function readDelay(text: string): number | undefined {
  try {
    const value: unknown = (JSON.parse(text) as { delayMs?: unknown }).delayMs;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the lbbench image's myapp pod: nginx's welcome page with `X-Upstream-Pod` on every GET/HEAD, after a
 * delay, like the local backend's Node pod. The control port answers `GET /ready` and `PUT /delay` with
 * `{"delayMs": N}`, which is how a Kubernetes backend applies per-pod delays and `slow` events at run time.
 */
export async function startPodServer(options: PodServerOptions): Promise<PodServer> {
  let delayMs = options.delayMs;
  const myapp = createMyappHandler({
    podName: options.podName,
    serverName: 'nginx-compatible (lbbench pod server)',
    getDelayMs: () => delayMs,
  });
  const app = createServer((request, response) => {
    myapp.handle(request, response);
  });
  app.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  app.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  const control = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/ready') {
      reply(response, 200, { delayMs });
      return;
    }
    if (request.method !== 'PUT' || request.url !== '/delay') {
      reply(response, 404, { error: 'GET /ready or PUT /delay' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_CONTROL_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const next =
        size > MAX_CONTROL_BODY_BYTES ? undefined : readDelay(Buffer.concat(chunks).toString('utf8'));
      if (next === undefined) {
        reply(response, 400, { error: 'body must be {"delayMs": N} with N >= 0' });
        return;
      }
      delayMs = next;
      reply(response, 200, { delayMs });
    });
  });
  const port = await listen(app, options.host, options.port);
  const controlPort = await listen(control, options.host, options.controlPort);
  return {
    port,
    controlPort,
    delayMs: () => delayMs,
    close: async () => {
      myapp.cancelPending();
      const closing = [app, control].map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
          }),
      );
      app.closeAllConnections();
      control.closeAllConnections();
      await Promise.all(closing);
    },
  };
}
