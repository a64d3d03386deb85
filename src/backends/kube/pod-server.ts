import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMyappHandler } from '../local/myapp-handler.js';
import type { PodSettings } from '../local/pod-settings.js';
import { readPodFault, readPodSettings } from '../local/pod-settings.js';
import { isRecord } from '../../validation/is-record.js';

/** nginx's keepalive_timeout default (75 s), so the proxy keeps idle connections as it would to nginx. */
const KEEP_ALIVE_TIMEOUT_MS = 75_000;
/** A control body is a few hundred bytes of JSON; anything longer is not ours. */
const MAX_CONTROL_BODY_BYTES = 4096;

/** Where and as whom a pod server listens. */
export interface PodServerOptions {
  readonly host: string;
  readonly port: number;
  readonly controlPort: number;
  /** The pod's name, sent as `X-Upstream-Pod` (nginx's `$hostname` in a pod). */
  readonly podName: string;
  /** How it serves until the backend sends other settings. */
  readonly settings: PodSettings;
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

/** Parses a control body as JSON; undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readDelay(value: unknown): number | undefined {
  const delayMs = isRecord(value) ? value.delayMs : undefined;
  return typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0 ? delayMs : undefined;
}

/** A control endpoint: reads its parsed body, applies it and returns the reply, or undefined when the body is bad. */
interface ControlEndpoint {
  readonly usage: string;
  readonly apply: (body: unknown) => object | undefined;
}

function readBody(request: IncomingMessage, onBody: (text: string | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_CONTROL_BODY_BYTES) chunks.push(chunk);
  });
  request.on('end', () => {
    onBody(size > MAX_CONTROL_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8'));
  });
}

/**
 * Starts the lbbench image's myapp pod: nginx's welcome page with `X-Upstream-Pod` on every GET/HEAD, served with
 * the pod's behaviour (see `myapp-handler.ts`), like the local backend's Node pod. The control port answers
 * `GET /ready`, `PUT /delay` (`{"delayMs": N}`, a slow event), `PUT /fault` (`{"fault": "fail" | "hang" | "none"}`)
 * and `PUT /settings` (`{"behavior": {…}, "seed": N}`, a reset), which is how a Kubernetes backend applies each
 * pod's behaviour and the events at run time.
 */
export async function startPodServer(options: PodServerOptions): Promise<PodServer> {
  const myapp = createMyappHandler({
    podName: options.podName,
    serverName: 'nginx-compatible (lbbench pod server)',
    settings: options.settings,
  });
  const app = createServer((request, response) => {
    myapp.handle(request, response);
  });
  app.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  app.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  const endpoints: Readonly<Record<string, ControlEndpoint>> = {
    '/delay': {
      usage: '{"delayMs": N} with N >= 0',
      apply: (body) => {
        const delayMs = readDelay(body);
        if (delayMs === undefined) return undefined;
        myapp.setDelay(delayMs);
        return { delayMs };
      },
    },
    '/fault': {
      usage: '{"fault": "fail" | "hang" | "none"}',
      apply: (body) => {
        const fault = readPodFault(body);
        if (fault === undefined) return undefined;
        myapp.setFault(fault);
        return { fault };
      },
    },
    '/settings': {
      usage: '{"behavior": {"delayMs", "capacity"?, "latency"?, "errorRate"}, "seed": N}',
      apply: (body) => {
        const settings = readPodSettings(body);
        if (settings === undefined) return undefined;
        myapp.setSettings(settings);
        return settings;
      },
    },
  };
  const control = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/ready') {
      reply(response, 200, { delayMs: myapp.getDelayMs() });
      return;
    }
    const endpoint = request.method === 'PUT' ? endpoints[request.url ?? ''] : undefined;
    if (endpoint === undefined) {
      reply(response, 404, { error: 'GET /ready, or PUT /delay, /fault or /settings' });
      return;
    }
    readBody(request, (text) => {
      const answer = text === undefined ? undefined : endpoint.apply(parseJson(text));
      if (answer === undefined) reply(response, 400, { error: `body must be ${endpoint.usage}` });
      else reply(response, 200, answer);
    });
  });
  const port = await listen(app, options.host, options.port);
  const controlPort = await listen(control, options.host, options.controlPort);
  return {
    port,
    controlPort,
    delayMs: () => myapp.getDelayMs(),
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
