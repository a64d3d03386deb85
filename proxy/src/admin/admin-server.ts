import http from 'node:http';
import { renderClustersJson } from './render-clusters-json.js';
import { renderClustersText } from './render-clusters-text.js';
import { renderConfigDump } from './render-config-dump.js';
import { renderListenersJson, renderListenersText } from './render-listeners.js';
import { renderPrometheus } from './render-prometheus.js';
import { renderServerInfo } from './render-server-info.js';
import { renderStatsJson, renderStatsText } from './render-stats.js';
import { renderHelpHtml, renderHelpText, type EndpointHelp } from './render-help.js';
import type { AdminSnapshot } from './snapshot.js';
import { parseStatsQuery } from './stats-query.js';

/** What the admin server needs from the proxy: a snapshot reader and the two mutations. */
export interface AdminServerOptions {
  readonly getSnapshot: () => AdminSnapshot;
  /** Resets the stats-store counters only; per-host `/clusters` counters are left alone, as in Envoy. */
  readonly resetCounters: () => void;
  /** Starts a shutdown; called after the `/quitquitquit` response has been sent. */
  readonly quit: () => void;
  /** Stops accepting; connections close after their request in flight (`POST /drain_listeners`). */
  readonly drainListeners: () => void;
}

interface AdminResponse {
  readonly status: number;
  readonly contentType: 'text' | 'json' | 'html';
  readonly body: string;
  readonly afterSend?: () => void;
}

interface Endpoint extends EndpointHelp {
  readonly handle: (query: URLSearchParams) => AdminResponse;
}

const CONTENT_TYPES = {
  text: 'text/plain; charset=UTF-8',
  json: 'application/json',
  html: 'text/html; charset=UTF-8',
} as const;

/**
 * Status of a GET to a mutating endpoint. Envoy's docs and releases up to ~1.13 answer 400; current Envoy
 * answers 405 with the same body.
 */
export const MUTATION_WITH_GET_STATUS = 400;

/** Creates (does not start) the admin HTTP server that answers Envoy's admin endpoints from snapshots. */
export function createAdminServer(options: AdminServerOptions): http.Server {
  const endpoints = buildEndpoints(options);
  return http.createServer((request, response) => {
    request.resume();
    const result = routeRequest(endpoints, request.method ?? 'GET', request.url ?? '/');
    response.writeHead(result.status, {
      'content-type': CONTENT_TYPES[result.contentType],
      'cache-control': 'no-cache, max-age=0',
      'x-content-type-options': 'nosniff',
      server: 'envoy',
    });
    if (result.afterSend !== undefined) {
      response.on('finish', result.afterSend);
    }
    response.end(result.body);
  });
}

function routeRequest(endpoints: readonly Endpoint[], method: string, rawUrl: string): AdminResponse {
  // Envoy matches the whole path before `?` against each handler's prefix exactly.
  const url = new URL(rawUrl, 'http://admin.invalid');
  const endpoint = endpoints.find((candidate) => candidate.path === url.pathname);
  if (endpoint === undefined) {
    return { status: 404, contentType: 'text', body: `invalid path. ${renderHelpText(endpoints)}` };
  }
  if (endpoint.isMutation && method !== 'POST') {
    return {
      status: MUTATION_WITH_GET_STATUS,
      contentType: 'text',
      body: `Method ${method} not allowed, POST required.`,
    };
  }
  try {
    return endpoint.handle(url.searchParams);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: 500,
      contentType: 'text',
      body: `admin handler for ${endpoint.path} failed: ${message}\n`,
    };
  }
}

function buildEndpoints(options: AdminServerOptions): readonly Endpoint[] {
  const read = (
    path: string,
    help: string,
    handle: (snapshot: AdminSnapshot, query: URLSearchParams) => AdminResponse,
  ): Endpoint => ({
    path,
    help,
    isMutation: false,
    handle: (query) => handle(options.getSnapshot(), query),
  });
  const endpoints: Endpoint[] = [
    read('/clusters', 'upstream cluster status', (snapshot, query) =>
      query.get('format') === 'json'
        ? { status: 200, contentType: 'json', body: renderClustersJson(snapshot) }
        : { status: 200, contentType: 'text', body: renderClustersText(snapshot) },
    ),
    read('/config_dump', 'dump current Envoy configs', (snapshot) => ({
      status: 200,
      contentType: 'json',
      body: renderConfigDump(snapshot),
    })),
    read('/listeners', 'print listener info', (snapshot, query) =>
      query.get('format') === 'json'
        ? { status: 200, contentType: 'json', body: renderListenersJson(snapshot) }
        : { status: 200, contentType: 'text', body: renderListenersText(snapshot) },
    ),
    read('/ready', 'print server state, return 200 if LIVE, otherwise return 503', (snapshot) => ({
      status: snapshot.state === 'LIVE' ? 200 : 503,
      contentType: 'text',
      body: `${snapshot.state}\n`,
    })),
    read('/server_info', 'print server version/status information', (snapshot) => ({
      status: 200,
      contentType: 'json',
      body: renderServerInfo(snapshot),
    })),
    read('/stats', 'print server stats', (snapshot, query) => handleStats(snapshot, query, undefined)),
    read('/stats/prometheus', 'print server stats in prometheus format', (snapshot, query) =>
      handleStats(snapshot, query, 'prometheus'),
    ),
    {
      path: '/reset_counters',
      help: 'reset all counters to zero',
      isMutation: true,
      handle: () => {
        options.resetCounters();
        return { status: 200, contentType: 'text', body: 'OK\n' };
      },
    },
    {
      path: '/drain_listeners',
      help: 'drain listeners',
      isMutation: true,
      handle: () => ({ status: 200, contentType: 'text', body: 'OK\n', afterSend: options.drainListeners }),
    },
    {
      path: '/quitquitquit',
      help: 'exit the server',
      isMutation: true,
      handle: () => ({ status: 200, contentType: 'text', body: 'OK\n', afterSend: options.quit }),
    },
  ];
  const pages: Endpoint[] = [
    {
      path: '/',
      help: 'Admin home page',
      isMutation: false,
      handle: () => ({ status: 200, contentType: 'html', body: renderHelpHtml(all) }),
    },
    {
      path: '/help',
      help: 'print out list of admin commands',
      isMutation: false,
      handle: () => ({ status: 200, contentType: 'text', body: renderHelpText(all) }),
    },
  ];
  const all: readonly Endpoint[] = [...pages, ...endpoints];
  return all;
}

function handleStats(
  snapshot: AdminSnapshot,
  params: URLSearchParams,
  forced: 'prometheus' | undefined,
): AdminResponse {
  const parsed = parseStatsQuery(params);
  if (!parsed.ok) {
    return { status: 400, contentType: 'text', body: parsed.message };
  }
  const format = forced ?? parsed.query.format;
  if (format === 'json') {
    return { status: 200, contentType: 'json', body: renderStatsJson(snapshot, parsed.query) };
  }
  const body =
    format === 'prometheus'
      ? renderPrometheus(snapshot, parsed.query)
      : renderStatsText(snapshot, parsed.query);
  return { status: 200, contentType: 'text', body };
}
