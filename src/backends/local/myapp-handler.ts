import type { IncomingMessage, ServerResponse } from 'node:http';

import { POD_HEADER, WELCOME_PAGE_HTML } from './welcome-page.js';

const BODY = Buffer.from(WELCOME_PAGE_HTML, 'utf8');

/** The myapp request handler of the built-in pod servers, and how to cancel the answers it still holds back. */
export interface MyappHandler {
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Drops every answer still waiting out its delay (the server is shutting down). */
  cancelPending(): void;
}

/**
 * Answers like the nginx:1.10 myapp pods: GET and HEAD on every path get nginx's welcome page with
 * `X-Upstream-Pod: <podName>`, after `getDelayMs()` (read per request, so a `slow` event applies at once); any
 * other method gets an immediate 405 that still names the pod, so a probe never waits out the delay.
 */
export function createMyappHandler(options: {
  readonly podName: string;
  /** The `Server` header, naming which built-in server answered. */
  readonly serverName: string;
  readonly getDelayMs: () => number;
}): MyappHandler {
  const pending = new Set<NodeJS.Timeout>();
  const answer = (request: IncomingMessage, response: ServerResponse): void => {
    if (response.destroyed) return;
    response.writeHead(200, {
      Server: options.serverName,
      'Content-Type': 'text/html',
      'Content-Length': String(BODY.length),
      [POD_HEADER]: options.podName,
    });
    response.end(request.method === 'HEAD' ? undefined : BODY);
  };
  return {
    handle: (request, response) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { Allow: 'GET, HEAD', [POD_HEADER]: options.podName, 'Content-Length': '0' });
        response.end();
        return;
      }
      const delayMs = options.getDelayMs();
      if (delayMs <= 0) {
        answer(request, response);
        return;
      }
      const timer = setTimeout(() => {
        pending.delete(timer);
        answer(request, response);
      }, delayMs);
      pending.add(timer);
      response.on('close', () => {
        clearTimeout(timer);
        pending.delete(timer);
      });
    },
    cancelPending: () => {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
}
