import { AbortedError, CollectError, redactArg } from '../errors.js';
import { excerpt } from './host-status-builder.js';
import { parseClustersJson, parseClustersText } from './parse-clusters.js';
import type { ClusterStatus, ClustersSnapshot } from './types.js';

/** How {@link fetchClusters} reads the admin endpoint. */
export interface FetchClustersOptions {
  readonly signal?: AbortSignal | undefined;
  /** `json` (default) asks for `?format=json` and falls back to text; `text` asks for text only. */
  readonly format?: 'json' | 'text' | undefined;
  /** The run's monotonic clock in ms; read when the response headers arrive. */
  readonly now: () => number;
}

/**
 * Reads `/clusters` from an Envoy-style admin endpoint (`adminUrl` is the admin base URL, e.g.
 * `http://127.0.0.1:9901`). With `format: 'json'` it asks for `?format=json`; an answer that is not a
 * Clusters JSON document (very old Envoy ignores the parameter and answers text) is parsed as text, and if
 * that fails too, plain `/clusters` is fetched and parsed as text.
 * @throws {CollectError} naming the URL when the endpoint cannot be reached, answers non-2xx, or answers garbage.
 * @throws {AbortedError} when `signal` aborts (a `TimeoutError` reason gives a CollectError instead).
 */
export async function fetchClusters(
  adminUrl: string,
  options: FetchClustersOptions,
): Promise<ClustersSnapshot> {
  const textUrl = buildClustersUrl(adminUrl, undefined);
  if (options.format !== 'text') {
    const response = await getText(buildClustersUrl(adminUrl, 'json'), options);
    const clusters = response.status < 300 ? tryParseJsonOrText(response.body) : undefined;
    if (clusters !== undefined) {
      return { takenAtMs: response.takenAtMs, clusters };
    }
  }
  const response = await getText(textUrl, options);
  if (response.status >= 300) {
    throw new CollectError(`GET ${showUrl(textUrl)} answered ${response.status}: ${excerpt(response.body)}`);
  }
  return {
    takenAtMs: response.takenAtMs,
    clusters: parseOrThrow(textUrl, () => parseClustersText(response.body)),
  };
}

/** `<adminUrl>/clusters` (keeping any path prefix of the admin URL), with `?format=json` when asked. */
export function buildClustersUrl(adminUrl: string, format: 'json' | undefined): URL {
  let base: URL;
  try {
    base = new URL(adminUrl.endsWith('/') ? adminUrl : `${adminUrl}/`);
  } catch (error) {
    throw new CollectError(`admin URL ${JSON.stringify(redactArg(adminUrl))} is not a valid URL`, {
      cause: error,
    });
  }
  const url = new URL('clusters', base);
  if (format !== undefined) {
    url.searchParams.set('format', format);
  }
  return url;
}

function tryParseJsonOrText(body: string): ClusterStatus[] | undefined {
  for (const parse of [() => parseClustersJson(JSON.parse(body) as unknown), () => parseClustersText(body)]) {
    try {
      return parse();
    } catch {
      // Not this format; try the next one, then fetch plain text.
    }
  }
  return undefined;
}

function parseOrThrow(url: URL, parse: () => ClusterStatus[]): ClusterStatus[] {
  try {
    return parse();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CollectError(`GET ${showUrl(url)}: the answer is not a /clusters document: ${detail}`, {
      cause: error,
    });
  }
}

interface AdminAnswer {
  readonly status: number;
  readonly body: string;
  readonly takenAtMs: number;
}

async function getText(url: URL, options: FetchClustersOptions): Promise<AdminAnswer> {
  let response: Response;
  try {
    response = await fetch(withoutCredentials(url), {
      signal: options.signal ?? null,
      headers: { accept: '*/*', ...basicAuthorization(url) },
    });
  } catch (error) {
    throw toFetchError(url, error, options.signal);
  }
  // Envoy renders /clusters before it sends headers (older versions) or streams it right after, so the
  // moment the headers arrive is the closest to when the counters were read.
  const takenAtMs = options.now();
  let body: string;
  try {
    body = await response.text();
  } catch (error) {
    throw toFetchError(url, error, options.signal);
  }
  return { status: response.status, body, takenAtMs };
}

function toFetchError(url: URL, error: unknown, signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (signal?.aborted === true && !(reason instanceof DOMException && reason.name === 'TimeoutError')) {
    return new AbortedError(`GET ${showUrl(url)} was interrupted`, { cause: error });
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const detail = cause instanceof Error ? cause.message : String(cause);
  const what = signal?.aborted === true ? 'timed out' : `failed: ${redactArg(detail)}`;
  return new CollectError(`GET ${showUrl(url)} ${what}. Is the proxy's admin endpoint up?`, { cause: error });
}

/** fetch() refuses URLs with credentials; send them as a Basic Authorization header, as curl does. */
function withoutCredentials(url: URL): URL {
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return bare;
}

function basicAuthorization(url: URL): Record<string, string> {
  if (url.username === '' && url.password === '') {
    return {};
  }
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function showUrl(url: URL): string {
  return redactArg(url.href);
}
