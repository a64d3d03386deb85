/**
 * Envoy's locally generated replies: status, body and headers exactly as the router and the HTTP/1 codec
 * send them (text/plain, content-length, date, server), so clients and the harness see what Envoy would send.
 */

/** Why an upstream attempt failed before response headers, in Envoy's reset-reason words. */
export type ResetReason =
  | { readonly kind: 'connect-failure'; readonly errno: string }
  | { readonly kind: 'connect-timeout' }
  | { readonly kind: 'termination' }
  | { readonly kind: 'overflow' }
  | { readonly kind: 'protocol-error' };

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

// strerror(3) texts of the errors a connect can fail with; Envoy ≥1.31 prints these.
const STRERROR: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EPIPE: 'Broken pipe',
};

/** The reason phrase of a status code. */
function getStatusText(status: number): string {
  return STATUS_TEXT[status] ?? 'Unknown';
}

/** Envoy ≥1.31's text for a reset reason. */
function describeResetReason(reason: ResetReason): string {
  switch (reason.kind) {
    case 'connect-failure':
      return `remote connection failure, transport failure reason: delayed connect error: ${STRERROR[reason.errno] ?? reason.errno}`;
    case 'connect-timeout':
      return 'connection timeout';
    case 'termination':
      return 'connection termination';
    case 'overflow':
      return 'overflow';
    case 'protocol-error':
      return 'protocol error';
  }
}

/** The body of the 503 (or 502) Envoy sends when an attempt fails before response headers. */
export function getResetBody(reason: ResetReason, wasRetried: boolean): string {
  const prefix = 'upstream connect error or disconnect/reset before headers.';
  return wasRetried
    ? `${prefix} retried and the latest reset reason: ${describeResetReason(reason)}`
    : `${prefix} reset reason: ${describeResetReason(reason)}`;
}

/** The status Envoy replies with for a reset reason: 502 for a protocol error, else 503. */
export function getResetStatus(reason: ResetReason): 502 | 503 {
  return reason.kind === 'protocol-error' ? 502 : 503;
}

let cachedDateSecond = -1;
let cachedDate = '';

/** The IMF-fixdate of `nowMs`, cached per second like Envoy's date provider. */
export function getHttpDate(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedDateSecond) {
    cachedDateSecond = second;
    cachedDate = new Date(second * 1000).toUTCString();
  }
  return cachedDate;
}

/** What a local reply is made of. */
export interface LocalReply {
  readonly status: number;
  readonly body: string;
  readonly serverName: string;
  readonly nowMs: number;
  readonly isHeadRequest: boolean;
  readonly shouldClose: boolean;
  readonly extraHeaders?: readonly (readonly [string, string])[];
}

/** Serialises a local reply (status line, headers, body) as latin1-safe text. */
export function formatLocalReply(reply: LocalReply): string {
  let head =
    `HTTP/1.1 ${reply.status} ${getStatusText(reply.status)}\r\n` +
    `content-length: ${Buffer.byteLength(reply.body)}\r\n` +
    `content-type: text/plain\r\n` +
    `date: ${getHttpDate(reply.nowMs)}\r\n` +
    `server: ${reply.serverName}\r\n`;
  for (const [name, value] of reply.extraHeaders ?? []) head += `${name}: ${value}\r\n`;
  if (reply.shouldClose) head += 'connection: close\r\n';
  return `${head}\r\n${reply.isHeadRequest ? '' : reply.body}`;
}
