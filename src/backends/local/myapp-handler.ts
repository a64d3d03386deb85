import type { IncomingMessage, ServerResponse } from 'node:http';

import type { PodFault } from '../../scenario/types.js';
import { sampleLatencyMs } from '../../stats/latency-sampler.js';
import { createSeededRng } from '../../stats/seeded-rng.js';
import { CapacityQueue } from './capacity-queue.js';
import type { PodSettings } from './pod-settings.js';
import { POD_HEADER, WELCOME_PAGE_HTML } from './welcome-page.js';

const BODY = Buffer.from(WELCOME_PAGE_HTML, 'utf8');
const UNAVAILABLE_BODY = Buffer.from('503 Service Unavailable\n', 'utf8');

/** The myapp request handler of the built-in pod servers, the run-time controls, and its shutdown. */
export interface MyappHandler {
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** The added delay now in force (the scenario's, or a `slow` event's). */
  getDelayMs(): number;
  /** Changes the added delay of every later request (`slow`). */
  setDelay(delayMs: number): void;
  getFault(): PodFault;
  /** `fail`: answer 503 at once; `hang`: hold every later request unanswered; `none`: serve as the settings say. */
  setFault(fault: PodFault): void;
  /** Replaces the whole behaviour and seed (a reset to the scenario's plan) and clears any fault. */
  setSettings(settings: PodSettings): void;
  /** Drops every answer still waiting out its time (the server is shutting down). */
  cancelPending(): void;
}

/**
 * Answers like the nginx:1.10 myapp pods, with a behaviour: GET and HEAD on every path get nginx's welcome page
 * with `X-Upstream-Pod: <podName>`; any other method an immediate 405 that still names the pod, so a probe never
 * waits. A GET/HEAD is decided on arrival, in this order:
 * - fault `fail`: an immediate 503; fault `hang`: never answered (the connection stays open until the client
 *   or the proxy gives up);
 * - with probability `errorRate`, an immediate 503;
 * - otherwise it waits for one of `capacity` slots (FIFO, unlimited when unset), then is answered after a
 *   `latency` sample plus the fixed `delayMs`; a client that goes away frees its place or its slot.
 * Random draws come from the settings' seed, so a pod's samples repeat from run to run.
 */
export function createMyappHandler(options: {
  readonly podName: string;
  /** The `Server` header, naming which built-in server answered. */
  readonly serverName: string;
  readonly settings: PodSettings;
}): MyappHandler {
  let settings = options.settings;
  let fault: PodFault = 'none';
  let unit = createSeededRng(settings.seed);
  let queue = new CapacityQueue(settings.behavior.capacity);
  const pending = new Set<NodeJS.Timeout>();
  const held = new Set<ServerResponse>();

  const answer = (request: IncomingMessage, response: ServerResponse, status: 200 | 503): void => {
    if (response.destroyed) return;
    const body = status === 200 ? BODY : UNAVAILABLE_BODY;
    response.writeHead(status, {
      Server: options.serverName,
      'Content-Type': status === 200 ? 'text/html' : 'text/plain',
      'Content-Length': String(body.length),
      [POD_HEADER]: options.podName,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  const serve = (request: IncomingMessage, response: ServerResponse): void => {
    const admitted = queue.admit((ticket) => {
      const { delayMs, latency } = settings.behavior;
      const waitMs = delayMs + (latency === undefined ? 0 : sampleLatencyMs(latency, unit));
      if (waitMs <= 0) {
        answer(request, response, 200);
        ticket.release();
        return;
      }
      const timer = setTimeout(() => {
        pending.delete(timer);
        answer(request, response, 200);
        ticket.release();
      }, waitMs);
      pending.add(timer);
      response.once('close', () => {
        clearTimeout(timer);
        pending.delete(timer);
      });
    });
    response.once('close', () => {
      admitted.release();
    });
  };
  return {
    handle: (request, response) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { Allow: 'GET, HEAD', [POD_HEADER]: options.podName, 'Content-Length': '0' });
        response.end();
        return;
      }
      if (fault === 'hang') {
        held.add(response);
        response.once('close', () => held.delete(response));
        return;
      }
      if (fault === 'fail' || unit() < settings.behavior.errorRate) {
        answer(request, response, 503);
        return;
      }
      serve(request, response);
    },
    getDelayMs: () => settings.behavior.delayMs,
    setDelay: (delayMs) => {
      settings = { ...settings, behavior: { ...settings.behavior, delayMs } };
    },
    getFault: () => fault,
    setFault: (next) => {
      fault = next;
    },
    setSettings: (next) => {
      settings = next;
      fault = 'none';
      unit = createSeededRng(next.seed);
      queue = new CapacityQueue(next.behavior.capacity);
    },
    cancelPending: () => {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      for (const response of held) response.destroy();
      held.clear();
    },
  };
}
