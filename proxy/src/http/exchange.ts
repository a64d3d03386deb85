import { randomUUID } from 'node:crypto';
import type { ClusterCounter } from '../stats/stats-layout.js';
import type { RouteConfig } from '../types.js';
import type { WorkerCluster, WorkerHost } from '../worker/worker-cluster.js';
import type { BodyDecoder } from './body-decoder.js';
import { createBodyDecoder } from './body-decoder.js';
import type { DownstreamPeer, ListenerContext } from './listener-context.js';
import type { RequestHead, ResponseHead } from './http-head.js';
import type { PoolClient } from './host-pool.js';
import type { ResetReason } from './local-reply.js';
import { formatLocalReply, getResetBody, getResetStatus } from './local-reply.js';
import { buildDownstreamResponseHead, buildUpstreamRequestHead } from './message-builders.js';
import { shouldRetryReset, shouldRetryStatus } from './retry-rules.js';
import { RetryState } from './retry-state.js';
import type { RequestTarget } from './route-request.js';
import type { UpstreamConnection } from './upstream-connection.js';

/**
 * Where an exchange is: waiting for a pooled connection, attached to one before its response, between a
 * failed attempt and what follows it, waiting out a retry back-off, streaming the response downstream, or over.
 */
type ExchangeState =
  | { readonly kind: 'pending' }
  | { readonly kind: 'detached' }
  | { readonly kind: 'attached'; readonly connection: UpstreamConnection }
  | { readonly kind: 'backing-off'; readonly timer: NodeJS.Timeout }
  | { readonly kind: 'responding'; connection: UpstreamConnection | undefined; readonly isChunked: boolean }
  | { readonly kind: 'done' };

/**
 * One routed request from the client to an upstream and back: pool, retries, timeouts, streaming in both
 * directions, statistics, and Envoy's local replies when something fails. The router resolved its route,
 * cluster and first host before it exists ({@link RequestTarget}).
 */
export class Exchange implements PoolClient {
  readonly head: RequestHead;
  isRequestComplete: boolean;
  private readonly downstream: DownstreamPeer;
  private readonly listener: ListenerContext;
  private readonly decoder: BodyDecoder;
  private readonly route: RouteConfig;
  private readonly cluster: WorkerCluster;
  private readonly hash: bigint | undefined;
  private readonly startMs: number;
  private readonly upstreamHead: string;
  private host: WorkerHost;
  private state: ExchangeState = { kind: 'pending' };
  /** Request bytes as framed for the upstream, kept while the request may still be replayed or is unsent. */
  private body: Buffer[] = [];
  private bodyBytes = 0;
  private isReplayable: boolean;
  private shouldCloseDownstream: boolean;
  /** Envoy creates a retry state only for a route whose policy names a `retry_on` condition. */
  private readonly retryState: RetryState | undefined;
  private attempt = 0;
  private requestCompleteMs = 0;
  private attemptStartMs = 0;
  private responseStatus = 0;
  private pendingHead: string | undefined;
  private routeTimer: NodeJS.Timeout | undefined;
  private tryTimer: NodeJS.Timeout | undefined;

  constructor(
    downstream: DownstreamPeer,
    head: RequestHead,
    listener: ListenerContext,
    target: RequestTarget,
  ) {
    this.downstream = downstream;
    this.head = head;
    this.listener = listener;
    this.route = target.route;
    this.cluster = target.cluster;
    this.host = target.host;
    this.hash = target.hash;
    this.decoder = createBodyDecoder(head.framing);
    this.isRequestComplete = this.decoder.isComplete;
    this.startMs = listener.now();
    const policy = this.route.retryPolicy;
    this.retryState =
      policy !== undefined && policy.retryOn.length > 0
        ? new RetryState(policy, this.cluster.resources, listener.random)
        : undefined;
    this.isReplayable = this.retryState !== undefined && policy !== undefined && policy.numRetries > 0;
    this.shouldCloseDownstream = !head.isKeepAlive;
    this.upstreamHead = buildUpstreamRequestHead(head, {
      hostRewrite: this.route.hostRewrite,
      requestId: randomUUID,
      expectedTimeoutMs: listener.config.suppressEnvoyHeaders ? 0 : this.route.timeoutMs,
    });
    listener.hcm.onRequestStart();
  }

  /** The HTTP method, for the upstream connection's response framing. */
  get method(): string {
    return this.head.method;
  }

  /** Starts the first upstream attempt. */
  start(): void {
    // Envoy answers `Expect: 100-continue` itself and does not forward it (proxy_100_continue defaults off).
    if (this.head.expectsContinue && !this.isRequestComplete)
      this.downstream.write('HTTP/1.1 100 Continue\r\n\r\n');
    // A request without a body, or whose body came with the head, completed before the exchange started.
    if (this.isRequestComplete) this.startRouteTimer();
    this.retryState?.onHostAttempted(this.host.slot);
    this.host.pool.newStream(this);
  }

  /** Whether the response has started (or the exchange is over): the request timer no longer applies. */
  get hasResponseStarted(): boolean {
    return this.state.kind === 'responding' || this.state.kind === 'done';
  }

  /**
   * An HCM stream timeout: 408 with `body` before the response starts, a reset after it did
   * (source/common/http/conn_manager_impl.cc, onIdleTimeout and onRequestTimeout).
   */
  timeOut(body: string): void {
    if (this.state.kind === 'done') return;
    if (this.getConnection() !== undefined) this.cluster.resources.addCounter('upstream_rq_tx_reset');
    this.releaseUpstream();
    this.replyLocally(408, body);
  }

  /** Takes request body bytes from the client; returns how many belonged to this request. */
  onRequestData(chunk: Buffer, offset: number): number {
    const payload: Buffer[] = [];
    const taken = this.decoder.decode(chunk, offset, payload);
    if (this.state.kind !== 'done') {
      const framed = this.frameRequestBody(payload, this.decoder.isComplete);
      if (framed !== undefined) this.sendRequestBody(framed);
    }
    if (this.decoder.isComplete && !this.isRequestComplete) this.onRequestComplete();
    return taken;
  }

  /** The client's socket can take more response bytes. */
  onDownstreamDrain(): void {
    this.getConnection()?.resumeReading();
  }

  /** The client went away: abandon everything. */
  onDownstreamClose(): void {
    if (this.state.kind === 'done') return;
    if (this.getConnection() !== undefined) this.cluster.resources.addCounter('upstream_rq_tx_reset');
    this.releaseUpstream();
    this.finish(0);
  }

  onAttached(connection: UpstreamConnection): void {
    this.state = { kind: 'attached', connection };
    this.cluster.reportConnectSuccess(this.host.slot);
    this.attemptStartMs = this.listener.now();
    // One write per request on the common path (no body yet): a single syscall, no writev.
    const isWritable =
      this.body.length === 0
        ? connection.write(this.upstreamHead)
        : connection.write(joinHead(this.upstreamHead, Buffer.concat(this.body)));
    if (!this.isReplayable) this.body = [];
    // Reading may have stopped while the body waited for a connection; a full upstream resumes it on drain.
    if (isWritable) this.downstream.resumeReading();
    if (this.isRequestComplete) connection.markRequestComplete();
    const perTryTimeoutMs = this.route.retryPolicy?.perTryTimeoutMs ?? 0;
    if (perTryTimeoutMs > 0) {
      this.tryTimer = setTimeout(() => {
        this.onTryTimeout();
      }, perTryTimeoutMs);
    }
  }

  onPoolFailure(reason: ResetReason): void {
    this.state = { kind: 'detached' };
    // Envoy feeds every pool failure but overflow to outlier detection as a local-origin connect failure.
    if (reason.kind !== 'overflow')
      this.cluster.reportOutlierResult(this.host.slot, { kind: 'connect-failed' });
    if (reason.kind === 'overflow') {
      this.cluster.resources.addCounter('upstream_rq_pending_overflow');
      const headers = this.listener.config.suppressEnvoyHeaders
        ? []
        : [['x-envoy-overloaded', 'true'] as const];
      this.replyLocally(503, getResetBody(reason, this.attempt > 0), headers);
      return;
    }
    this.failAttempt(reason, false);
  }

  onResponseHead(head: ResponseHead, isCloseDelimited: boolean): void {
    clearTimeout(this.tryTimer);
    if (this.state.kind !== 'attached') return;
    const connection = this.state.connection;
    this.cluster.resources.addHostCounter(this.host.slot, head.status >= 500 ? 'rq_error' : 'rq_success');
    this.cluster.reportOutlierResult(this.host.slot, { kind: 'http', status: head.status });
    const retryState = this.retryState;
    if (retryState !== undefined) {
      const isRateLimited = RATE_LIMITED_HEADER.test(head.forwardedLines);
      if (this.scheduleRetry(shouldRetryStatus(retryState.policy, head.status, isRateLimited))) return;
    }
    // A body the upstream frames by chunks or by its close reaches an HTTP/1.1 client re-framed as chunks;
    // an HTTP/1.0 client gets the payload as it is and the close (RFC 9112 §6.3).
    const isChunked = (head.isChunked || isCloseDelimited) && this.head.versionMinor === 1;
    this.state = { kind: 'responding', connection, isChunked };
    if ((head.isChunked || isCloseDelimited) && !isChunked) this.shouldCloseDownstream = true;
    if (!this.isRequestComplete || this.downstream.isDraining) this.shouldCloseDownstream = true;
    const serviceTimeMs = Math.max(
      0,
      Math.floor(this.listener.now() - (this.requestCompleteMs || this.startMs)),
    );
    this.responseStatus = head.status;
    this.pendingHead = buildDownstreamResponseHead(head, {
      serverName: this.listener.config.serverName,
      upstreamServiceTimeMs: this.listener.config.suppressEnvoyHeaders ? undefined : serviceTimeMs,
      nowMs: this.listener.wallNow(),
      shouldClose: this.shouldCloseDownstream,
      isHttp10KeepAlive: this.head.versionMinor === 0 && !this.shouldCloseDownstream,
      isChunked,
    });
  }

  onResponseBody(payload: Buffer): void {
    if (this.state.kind !== 'responding') return;
    const framed = this.state.isChunked ? frameChunk([payload], payload.length) : payload;
    if (!this.writeDownstream(framed)) this.state.connection?.pauseReading();
  }

  onResponseEnd(): void {
    if (this.state.kind !== 'responding') return;
    if (this.state.isChunked) this.writeDownstream(LAST_CHUNK);
    else if (this.pendingHead !== undefined) this.writeDownstream(EMPTY);
    const resources = this.cluster.resources;
    resources.addCounter('upstream_rq_completed');
    resources.addCounter(getStatusClassCounter(this.responseStatus));
    resources.recordRequestTime(this.listener.now() - this.attemptStartMs);
    // The connection reports the end to its pool itself (and reuses or closes the connection).
    this.state.connection = undefined;
    this.finish(this.responseStatus);
  }

  onUpstreamReset(reason: ResetReason): void {
    clearTimeout(this.tryTimer);
    this.cluster.resources.addCounter('upstream_rq_rx_reset');
    this.cluster.resources.addHostCounter(this.host.slot, 'rq_error');
    this.cluster.reportOutlierResult(this.host.slot, { kind: 'connect-failed' });
    this.host.pool.endStream();
    if (this.state.kind === 'responding') {
      this.state.connection = undefined;
      this.downstream.destroy();
      this.finish(0);
      return;
    }
    this.state = { kind: 'detached' };
    this.failAttempt(reason, true);
  }

  onUpstreamDrain(): void {
    this.downstream.resumeReading();
  }

  /** The upstream connection this exchange holds, if any. */
  private getConnection(): UpstreamConnection | undefined {
    const state = this.state;
    return state.kind === 'attached' || state.kind === 'responding' ? state.connection : undefined;
  }

  /** The request payload framed for the upstream: as it came for a length, re-chunked for chunked. */
  private frameRequestBody(payload: readonly Buffer[], isComplete: boolean): Buffer | undefined {
    let bytes = 0;
    for (const slice of payload) bytes += slice.length;
    if (this.head.framing.kind !== 'chunked') {
      if (bytes === 0) return undefined;
      return payload.length === 1 ? payload[0] : Buffer.concat(payload, bytes);
    }
    if (bytes === 0) return isComplete ? LAST_CHUNK : undefined;
    const chunk = frameChunk(payload, bytes);
    return isComplete ? Buffer.concat([chunk, LAST_CHUNK]) : chunk;
  }

  private sendRequestBody(framed: Buffer): void {
    const connection = this.getConnection();
    if (connection === undefined || this.isReplayable) this.bufferBody(framed);
    if (connection !== undefined && !connection.write(framed)) this.downstream.pauseReading();
  }

  /** Writes response bytes, the response head in front of the first ones (one packet for small responses). */
  private writeDownstream(chunk: Buffer): boolean {
    const head = this.pendingHead;
    if (head === undefined) return this.downstream.write(chunk);
    this.pendingHead = undefined;
    return this.downstream.write(joinHead(head, chunk));
  }

  /** A retry: picks again under the retry host predicates (a hashing balancer keeps the request's host). */
  private attemptUpstream(retryState: RetryState): void {
    if (this.state.kind === 'done') return;
    const host = this.cluster.pick(this.hash, retryState.getHostSelection());
    if (host === undefined) {
      this.cluster.resources.addCounter('upstream_cx_none_healthy');
      this.replyLocally(503, 'no healthy upstream');
      return;
    }
    this.host = host;
    this.state = { kind: 'pending' };
    retryState.onHostAttempted(host.slot);
    host.pool.newStream(this);
  }

  private bufferBody(framed: Buffer): void {
    this.body.push(framed);
    this.bodyBytes += framed.length;
    // Envoy keeps a request body for retries up to the connection's buffer limit (router.cc, retry_shadow_buffer_limit).
    if (this.bodyBytes > this.listener.config.bufferLimitBytes) {
      this.isReplayable = false;
      if (this.getConnection() === undefined) this.downstream.pauseReading();
    }
  }

  private onRequestComplete(): void {
    this.isRequestComplete = true;
    this.requestCompleteMs = this.listener.now();
    this.getConnection()?.markRequestComplete();
    this.startRouteTimer();
  }

  /** Envoy's route timeout runs from the end of the request to the end of the response. */
  private startRouteTimer(): void {
    const timeoutMs = this.route.timeoutMs;
    if (timeoutMs > 0 && this.state.kind !== 'done') {
      this.routeTimer = setTimeout(() => {
        this.onRouteTimeout();
      }, timeoutMs);
    }
  }

  private onRouteTimeout(): void {
    this.routeTimer = undefined;
    this.cluster.resources.addCounter('upstream_rq_timeout');
    this.chargeTimeout();
    const wasResponding = this.state.kind === 'responding';
    this.releaseUpstream();
    if (wasResponding) {
      this.downstream.destroy();
      this.finish(0);
      return;
    }
    this.replyLocally(504, 'upstream request timeout');
  }

  private onTryTimeout(): void {
    this.tryTimer = undefined;
    this.cluster.resources.addCounter('upstream_rq_timeout');
    this.chargeTimeout();
    this.releaseUpstream();
    // Envoy retries a per-try timeout as a local reset of a request already sent.
    const policy = this.retryState?.policy;
    if (policy !== undefined && this.scheduleRetry(shouldRetryReset(policy, { kind: 'termination' }, true)))
      return;
    this.replyLocally(504, 'upstream request timeout');
  }

  private chargeTimeout(): void {
    if (this.getConnection() === undefined) return;
    this.cluster.resources.addHostCounter(this.host.slot, 'rq_timeout');
    this.cluster.resources.addHostCounter(this.host.slot, 'rq_error');
    this.cluster.reportOutlierResult(this.host.slot, { kind: 'timeout' });
  }

  /** An attempt failed before response headers; `isRequestStarted`: request bytes went to the upstream. */
  private failAttempt(reason: ResetReason, isRequestStarted: boolean): void {
    const policy = this.retryState?.policy;
    if (policy !== undefined && this.scheduleRetry(shouldRetryReset(policy, reason, isRequestStarted)))
      return;
    this.replyLocally(getResetStatus(reason), getResetBody(reason, this.attempt > 0));
  }

  /**
   * Asks the retry state about an attempt's outcome (`wouldRetry`) when the request can still be replayed; on a
   * granted retry drops the current try and starts the back-off timer. Returns whether a retry was scheduled.
   */
  private scheduleRetry(wouldRetry: boolean): boolean {
    const retryState = this.retryState;
    if (retryState === undefined || this.state.kind === 'done') return false;
    if (!this.isReplayable || !this.isRequestComplete) return false;
    if (retryState.shouldRetry(wouldRetry) !== 'yes') return false;
    this.releaseUpstream();
    this.attempt++;
    const timer = setTimeout(() => {
      this.attemptUpstream(retryState);
    }, retryState.nextBackOffMs());
    this.state = { kind: 'backing-off', timer };
    return true;
  }

  /** Detaches from the upstream: withdraws a pending request or drops its connection. */
  private releaseUpstream(): void {
    clearTimeout(this.tryTimer);
    const state = this.state;
    if (state.kind === 'pending') this.host.pool.cancel(this);
    const connection = this.getConnection();
    if (connection !== undefined) {
      connection.close();
      this.host.pool.endStream();
    }
    if (state.kind === 'responding') state.connection = undefined;
    else if (state.kind === 'pending' || state.kind === 'attached') this.state = { kind: 'detached' };
  }

  private replyLocally(
    status: number,
    body: string,
    headers: readonly (readonly [string, string])[] = [],
  ): void {
    if (this.state.kind === 'done') return;
    if (this.state.kind === 'responding') {
      this.downstream.destroy();
      this.finish(0);
      return;
    }
    // After a local reply the rest of an unread request body cannot be framed: close like Envoy does.
    if (!this.isRequestComplete || this.downstream.isDraining) this.shouldCloseDownstream = true;
    this.downstream.write(
      formatLocalReply({
        status,
        body,
        serverName: this.listener.config.serverName,
        nowMs: this.listener.wallNow(),
        isHeadRequest: this.head.method === 'HEAD',
        shouldClose: this.shouldCloseDownstream,
        extraHeaders: headers,
      }),
    );
    this.finish(status);
  }

  private finish(status: number): void {
    const state = this.state;
    if (state.kind === 'done') return;
    if (state.kind === 'backing-off') clearTimeout(state.timer);
    this.state = { kind: 'done' };
    clearTimeout(this.routeTimer);
    clearTimeout(this.tryTimer);
    this.retryState?.release();
    this.body = [];
    this.listener.hcm.onRequestEnd(status, this.listener.now() - this.startMs);
    this.downstream.onExchangeDone(this, this.shouldCloseDownstream || status === 0);
  }
}

const CRLF = Buffer.from('\r\n', 'latin1');
/** An upstream Envoy's rate-limit marker among the forwarded response header lines. */
const RATE_LIMITED_HEADER = /(?:^|\n)x-envoy-ratelimited:/i;
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);

/** One chunk (RFC 9112 §7.1) carrying `payload` (`bytes` > 0 in all). */
function frameChunk(payload: readonly Buffer[], bytes: number): Buffer {
  return Buffer.concat([Buffer.from(`${bytes.toString(16)}\r\n`, 'latin1'), ...payload, CRLF]);
}

/** A head (latin1 text, one byte per character) and body bytes in one buffer, for one write. */
function joinHead(head: string, body: Buffer): Buffer {
  const joined = Buffer.allocUnsafe(head.length + body.length);
  joined.write(head, 0, 'latin1');
  body.copy(joined, head.length);
  return joined;
}

function getStatusClassCounter(status: number): ClusterCounter {
  if (status >= 500) return 'upstream_rq_5xx';
  if (status >= 400) return 'upstream_rq_4xx';
  if (status >= 300) return 'upstream_rq_3xx';
  if (status >= 200) return 'upstream_rq_2xx';
  return 'upstream_rq_1xx';
}
