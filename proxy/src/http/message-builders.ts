import type { RequestHead, ResponseHead } from './http-head.js';
import { getHttpDate } from './local-reply.js';

// Hop-by-hop fields (RFC 9110 §7.6.1) never travel past the proxy; framing is re-declared per hop.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
]);

function getConnectionTokens(
  lowerNames: readonly string[],
  values: readonly string[],
): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < lowerNames.length; i++) {
    if (lowerNames[i] !== 'connection') continue;
    for (const token of (values[i] ?? '').split(',')) {
      const trimmed = token.trim().toLowerCase();
      if (trimmed !== 'close' && trimmed !== 'keep-alive' && trimmed !== '')
        (tokens ??= new Set()).add(trimmed);
    }
  }
  return tokens;
}

/** What the router adds to a request on its way upstream. */
export interface UpstreamRequestOptions {
  readonly hostRewrite: string | undefined;
  readonly requestId: () => string;
  /** `x-envoy-expected-rq-timeout-ms`; 0 = no header (no timeout or suppressed Envoy headers). */
  readonly expectedTimeoutMs: number;
}

/**
 * The request head sent upstream: always HTTP/1.1, lower-case names (Envoy's HTTP/1 codec writes them so),
 * hop-by-hop fields and `expect` removed (Envoy answers 100-continue itself), host rewritten, and the
 * `x-forwarded-proto`, `x-request-id` and `x-envoy-expected-rq-timeout-ms` fields Envoy adds.
 */
export function buildUpstreamRequestHead(head: RequestHead, options: UpstreamRequestOptions): string {
  const { lowerNames, values } = head;
  const dropped = getConnectionTokens(lowerNames, values);
  let text = `${head.method} ${head.target} HTTP/1.1\r\n`;
  let hasForwardedProto = false;
  let hasRequestId = false;
  for (let i = 0; i < lowerNames.length; i++) {
    const name = lowerNames[i] ?? '';
    if (HOP_BY_HOP.has(name) || name === 'host' || name === 'expect' || dropped?.has(name) === true) continue;
    if (name === 'x-forwarded-proto') hasForwardedProto = true;
    else if (name === 'x-request-id') hasRequestId = true;
    else if (name === 'x-envoy-expected-rq-timeout-ms') continue;
    text += `${name}: ${values[i] ?? ''}\r\n`;
  }
  const host = options.hostRewrite ?? head.host;
  if (host !== undefined) text += `host: ${host}\r\n`;
  if (head.framing.kind === 'chunked') text += 'transfer-encoding: chunked\r\n';
  if (!hasForwardedProto) text += 'x-forwarded-proto: http\r\n';
  if (!hasRequestId) text += `x-request-id: ${options.requestId()}\r\n`;
  if (options.expectedTimeoutMs > 0)
    text += `x-envoy-expected-rq-timeout-ms: ${options.expectedTimeoutMs}\r\n`;
  return `${text}\r\n`;
}

/** What the proxy adds to a response on its way downstream. */
export interface DownstreamResponseOptions {
  readonly serverName: string;
  /** `x-envoy-upstream-service-time` in whole ms; undefined = suppressed. */
  readonly upstreamServiceTimeMs: number | undefined;
  readonly nowMs: number;
  readonly shouldClose: boolean;
  /** The client spoke HTTP/1.0 and asked for keep-alive. */
  readonly isHttp10KeepAlive: boolean;
  /** The payload goes to the client re-framed as chunks (the upstream framed it by chunks or by its close). */
  readonly isChunked: boolean;
}

/**
 * The response head sent downstream: HTTP/1.1 status line, the upstream's forwarded lines as they came,
 * `server` overwritten (Envoy's default `server_header_transformation: OVERWRITE`), `date` added when absent,
 * `x-envoy-upstream-service-time` added, framing and connection fields declared for this hop.
 */
export function buildDownstreamResponseHead(head: ResponseHead, options: DownstreamResponseOptions): string {
  let text = `HTTP/1.1 ${head.status} ${head.reason}\r\n${head.forwardedLines}`;
  if (!head.hasDate) text += `date: ${getHttpDate(options.nowMs)}\r\n`;
  text += `server: ${options.serverName}\r\n`;
  if (options.isChunked) text += 'transfer-encoding: chunked\r\n';
  else if (head.contentLength !== undefined) text += `content-length: ${head.contentLength}\r\n`;
  if (options.upstreamServiceTimeMs !== undefined) {
    text += `x-envoy-upstream-service-time: ${options.upstreamServiceTimeMs}\r\n`;
  }
  if (options.shouldClose) text += 'connection: close\r\n';
  else if (options.isHttp10KeepAlive) text += 'connection: keep-alive\r\n';
  return `${text}\r\n`;
}
