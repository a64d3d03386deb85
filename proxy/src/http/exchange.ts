import { randomUUID } from 'node:crypto';
import { hashHeaderValues } from '../lb/request-hash.js';
import type { ClusterCounter } from '../stats/stats-layout.js';
import type { RouteConfig } from '../types.js';
import type { WorkerCluster, WorkerHost } from '../worker/worker-cluster.js';
import type { BodyTracker } from './body-tracker.js';
import { createBodyTracker } from './body-tracker.js';
import type { DownstreamPeer, ListenerContext } from './listener-context.js';
import { getHeaderValues } from './http-head.js';
import type { RequestHead, ResponseHead } from './http-head.js';
import type { PoolClient } from './host-pool.js';
import type { ResetReason } from './local-reply.js';
import { formatLocalReply, getResetBody, getResetStatus } from './local-reply.js';
import { buildDownstreamResponseHead, buildUpstreamRequestHead } from './message-builders.js';
import { getRetryBackoffMs, shouldRetryReset, shouldRetryStatus } from './retry-rules.js';
import type { UpstreamConnection } from './upstream-connection.js';

// Envoy buffers a request body for retries up to the connection buffer limit (1 MiB by default).
const RETRY_BUFFER_LIMIT_BYTES = 1024 * 1024;

/**
 * One request from the client through the router to an upstream and back: route, host pick, pool, retries,
 * timeouts, streaming in both directions, statistics, and Envoy's local replies when something fails.
 */
export class Exchange implements PoolClient {
  readonly head: RequestHead;
  isRequestComplete: boolean;
  private readonly downstream: DownstreamPeer;
  private readonly listener: ListenerContext;
  private readonly tracker: BodyTracker;
  private readonly startMs: number;
  private route: RouteConfig | undefined;
  private cluster: WorkerCluster | undefined;
  private host: WorkerHost | undefined;
  private connection: UpstreamConnection | undefined;
  private upstreamHead = '';
  private body: Buffer[] = [];
  private bodyBytes = 0;
  private isReplayable: boolean;
  private attempt = 0;
  private isPending = false;
  private isResponseStarted = false;
  private isChunkedConversion = false;
  private shouldCloseDownstream: boolean;
  private isDone = false;
  private isHoldingRetry = false;
  private requestCompleteMs = 0;
  private attemptStartMs = 0;
  private responseStatus = 0;
  private pendingHead: string | undefined;
  private routeTimer: NodeJS.Timeout | undefined;
  private tryTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(downstream: DownstreamPeer, head: RequestHead, listener: ListenerContext) {
    this.downstream = downstream;
    this.head = head;
    this.listener = listener;
    this.tracker = createBodyTracker(head.framing);
    this.isRequestComplete = this.tracker.isComplete;
    this.startMs = listener.now();
    this.isReplayable = true;
    this.shouldCloseDownstream = !head.isKeepAlive;
    listener.hcm.onRequestStart();
  }

  /** The HTTP method, for the upstream connection's response framing. */
  get method(): string {
    return this.head.method;
  }

  /** Routes the request and starts the first upstream attempt. */
  start(): void {
    const route = this.listener.routes.match(this.head.host, this.head.target);
    if (route === undefined) {
      this.listener.hcm.add('no_route');
      this.replyLocally(404, '');
      return;
    }
    const cluster = this.listener.clusters.get(route.cluster);
    if (cluster === undefined) {
      this.replyLocally(503, '');
      return;
    }
    this.route = route;
    this.cluster = cluster;
    this.isReplayable = route.retryPolicy !== undefined && route.retryPolicy.numRetries > 0;
    this.upstreamHead = buildUpstreamRequestHead(this.head, {
      hostRewrite: route.hostRewrite,
      requestId: randomUUID,
      expectedTimeoutMs: this.listener.config.suppressEnvoyHeaders ? 0 : route.timeoutMs,
    });
    // Envoy answers `Expect: 100-continue` itself and does not forward it (proxy_100_continue defaults off).
    if (this.head.expectsContinue && !this.isRequestComplete)
      this.downstream.write('HTTP/1.1 100 Continue\r\n\r\n');
    // A request without a body, or whose body came with the head, completed before its route was known.
    if (this.isRequestComplete) this.startRouteTimer();
    this.attemptUpstream();
  }

  /** Takes request body bytes from the client; returns how many belonged to this request. */
  onRequestData(chunk: Buffer, offset: number): number {
    const taken = this.tracker.consume(chunk, offset);
    if (taken > 0 && !this.isDone) {
      const slice = chunk.subarray(offset, offset + taken);
      if (this.connection === undefined || this.isReplayable) this.bufferBody(slice);
      if (this.connection !== undefined && !this.connection.write(slice)) this.downstream.pauseReading();
    }
    if (this.tracker.isComplete && !this.isRequestComplete) this.onRequestComplete();
    return taken;
  }

  /** The client's socket can take more response bytes. */
  onDownstreamDrain(): void {
    this.connection?.resumeReading();
  }

  /** The client went away: abandon everything. */
  onDownstreamClose(): void {
    if (this.isDone) return;
    if (this.connection !== undefined) this.cluster?.resources.addCounter('upstream_rq_tx_reset');
    this.releaseUpstream();
    this.finish(0);
  }

  onAttached(connection: UpstreamConnection): void {
    this.isPending = false;
    this.connection = connection;
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
    const perTryTimeoutMs = this.route?.retryPolicy?.perTryTimeoutMs;
    if (perTryTimeoutMs !== undefined && perTryTimeoutMs > 0) {
      this.tryTimer = setTimeout(() => {
        this.onTryTimeout();
      }, perTryTimeoutMs);
    }
  }

  onPoolFailure(reason: ResetReason): void {
    this.isPending = false;
    if (reason.kind === 'overflow') {
      this.cluster?.resources.addCounter('upstream_rq_pending_overflow');
      const headers = this.listener.config.suppressEnvoyHeaders
        ? []
        : [['x-envoy-overloaded', 'true'] as const];
      this.replyLocally(503, getResetBody(reason, this.attempt > 0), headers);
      return;
    }
    this.failAttempt(reason);
  }

  onResponseHead(head: ResponseHead, isCloseDelimited: boolean): void {
    clearTimeout(this.tryTimer);
    const host = this.host;
    const cluster = this.cluster;
    if (host === undefined || cluster === undefined) return;
    cluster.resources.addHostCounter(host.slot, head.status >= 500 ? 'rq_error' : 'rq_success');
    const policy = this.route?.retryPolicy;
    if (policy !== undefined && shouldRetryStatus(policy, head.status) && this.scheduleRetry()) {
      this.releaseUpstream();
      return;
    }
    this.isResponseStarted = true;
    this.isChunkedConversion = isCloseDelimited && this.head.versionMinor === 1;
    if (isCloseDelimited && !this.isChunkedConversion) this.shouldCloseDownstream = true;
    if (!this.isRequestComplete) this.shouldCloseDownstream = true;
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
      isChunkedConversion: this.isChunkedConversion,
    });
  }

  onResponseBody(chunk: Buffer): void {
    const framed = this.isChunkedConversion
      ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, CRLF])
      : chunk;
    if (!this.writeDownstream(framed)) this.connection?.pauseReading();
  }

  onResponseEnd(): void {
    if (this.isChunkedConversion) this.writeDownstream(LAST_CHUNK);
    else if (this.pendingHead !== undefined) this.writeDownstream(EMPTY);
    const cluster = this.cluster;
    if (cluster !== undefined) {
      cluster.resources.addCounter('upstream_rq_completed');
      cluster.resources.addCounter(getStatusClassCounter(this.responseStatus));
      if (this.attempt > 0) cluster.resources.addCounter('upstream_rq_retry_success');
      cluster.resources.recordRequestTime(this.listener.now() - this.attemptStartMs);
    }
    // The connection reports the end to its pool itself (and reuses or closes the connection).
    this.connection = undefined;
    this.finish(this.responseStatus);
  }

  onUpstreamReset(reason: ResetReason): void {
    clearTimeout(this.tryTimer);
    this.cluster?.resources.addCounter('upstream_rq_rx_reset');
    if (this.host !== undefined) this.cluster?.resources.addHostCounter(this.host.slot, 'rq_error');
    this.host?.pool.endStream();
    this.connection = undefined;
    if (this.isResponseStarted) {
      this.downstream.destroy();
      this.finish(0);
      return;
    }
    this.failAttempt(reason);
  }

  onUpstreamDrain(): void {
    this.downstream.resumeReading();
  }

  /** Writes response bytes, the response head in front of the first ones (one packet for small responses). */
  private writeDownstream(chunk: Buffer): boolean {
    const head = this.pendingHead;
    if (head === undefined) return this.downstream.write(chunk);
    this.pendingHead = undefined;
    return this.downstream.write(joinHead(head, chunk));
  }

  private attemptUpstream(): void {
    const cluster = this.cluster;
    if (cluster === undefined || this.isDone) return;
    const host = cluster.pick(this.getRequestHash(), this.attempt);
    if (host === undefined) {
      cluster.resources.addCounter('upstream_cx_none_healthy');
      this.replyLocally(503, 'no healthy upstream');
      return;
    }
    this.host = host;
    this.isPending = true;
    host.pool.newStream(this);
  }

  /** The request's hash under the route's `hash_policy`, as Envoy's HashPolicyImpl computes it. */
  private getRequestHash(): bigint | undefined {
    const policies = this.route?.hashPolicy;
    if (policies === undefined || policies.length === 0) return undefined;
    let hash: bigint | undefined;
    for (const policy of policies) {
      // Every value of a repeated header counts, in sorted order; the names are stored lower-case.
      const value = hashHeaderValues(getHeaderValues(this.head, policy.headerName));
      // Several policies combine by rotating and XOR-ing.
      if (value !== undefined)
        hash = hash === undefined ? value : (((hash << 1n) | (hash >> 63n)) & 0xffffffffffffffffn) ^ value;
      // A terminal policy ends the search once any policy so far produced a hash.
      if (policy.terminal && hash !== undefined) break;
    }
    return hash;
  }

  private bufferBody(slice: Buffer): void {
    this.body.push(slice);
    this.bodyBytes += slice.length;
    if (this.bodyBytes > RETRY_BUFFER_LIMIT_BYTES) {
      this.isReplayable = false;
      if (this.connection === undefined) this.downstream.pauseReading();
    }
  }

  private onRequestComplete(): void {
    this.isRequestComplete = true;
    this.requestCompleteMs = this.listener.now();
    this.connection?.markRequestComplete();
    this.startRouteTimer();
  }

  /** Envoy's route timeout runs from the end of the request to the end of the response. */
  private startRouteTimer(): void {
    const timeoutMs = this.route?.timeoutMs ?? 0;
    if (timeoutMs > 0 && !this.isDone) {
      this.routeTimer = setTimeout(() => {
        this.onRouteTimeout();
      }, timeoutMs);
    }
  }

  private onRouteTimeout(): void {
    this.routeTimer = undefined;
    this.cluster?.resources.addCounter('upstream_rq_timeout');
    this.chargeTimeout();
    this.releaseUpstream();
    if (this.isResponseStarted) {
      this.downstream.destroy();
      this.finish(0);
      return;
    }
    this.replyLocally(504, 'upstream request timeout');
  }

  private onTryTimeout(): void {
    this.tryTimer = undefined;
    this.cluster?.resources.addCounter('upstream_rq_timeout');
    this.chargeTimeout();
    this.releaseUpstream();
    const policy = this.route?.retryPolicy;
    if (policy !== undefined && shouldRetryReset(policy, { kind: 'termination' }) && this.scheduleRetry())
      return;
    this.replyLocally(504, 'upstream request timeout');
  }

  private chargeTimeout(): void {
    const host = this.host;
    if (host === undefined || this.connection === undefined) return;
    this.cluster?.resources.addHostCounter(host.slot, 'rq_timeout');
    this.cluster?.resources.addHostCounter(host.slot, 'rq_error');
  }

  private failAttempt(reason: ResetReason): void {
    const policy = this.route?.retryPolicy;
    if (policy !== undefined && shouldRetryReset(policy, reason) && this.scheduleRetry()) return;
    this.replyLocally(getResetStatus(reason), getResetBody(reason, this.attempt > 0));
  }

  /** Starts a retry if the policy, the request and the max_retries breaker allow it. */
  private scheduleRetry(): boolean {
    const policy = this.route?.retryPolicy;
    const resources = this.cluster?.resources;
    if (policy === undefined || resources === undefined || this.isDone) return false;
    if (this.attempt >= policy.numRetries || !this.isReplayable || !this.isRequestComplete) return false;
    if (!this.isHoldingRetry) {
      if (!resources.tryStartRetry()) {
        resources.addCounter('upstream_rq_retry_overflow');
        return false;
      }
      this.isHoldingRetry = true;
    }
    resources.addCounter('upstream_rq_retry');
    this.attempt++;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.attemptUpstream();
      },
      getRetryBackoffMs(this.attempt, this.listener.random),
    );
    return true;
  }

  /** Detaches from the upstream: withdraws a pending request or drops its connection. */
  private releaseUpstream(): void {
    clearTimeout(this.tryTimer);
    if (this.isPending) {
      this.host?.pool.cancel(this);
      this.isPending = false;
    }
    if (this.connection !== undefined) {
      this.connection.close();
      this.host?.pool.endStream();
      this.connection = undefined;
    }
  }

  private replyLocally(
    status: number,
    body: string,
    headers: readonly (readonly [string, string])[] = [],
  ): void {
    if (this.isDone) return;
    if (this.isResponseStarted) {
      this.downstream.destroy();
      this.finish(0);
      return;
    }
    this.isResponseStarted = true;
    // After a local reply the rest of an unread request body cannot be framed: close like Envoy does.
    if (!this.isRequestComplete) this.shouldCloseDownstream = true;
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
    if (this.isDone) return;
    this.isDone = true;
    clearTimeout(this.routeTimer);
    clearTimeout(this.tryTimer);
    clearTimeout(this.retryTimer);
    if (this.isHoldingRetry) this.cluster?.resources.endRetry();
    this.body = [];
    this.listener.hcm.onRequestEnd(status, this.listener.now() - this.startMs);
    this.downstream.onExchangeDone(this, this.shouldCloseDownstream || status === 0);
  }
}

const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);

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
