import type { ConnectionLimits } from '../types.js';

/** What a downstream connection does when one of its request's timers fires. */
export interface StreamTimeoutHandlers {
  onHeadersTimeout(): void;
  onIdleTimeout(): void;
  onRequestTimeout(): void;
}

/**
 * The HCM's per-request timers on one downstream connection, armed at a request's first byte as Envoy's
 * HTTP/1 codec creates the stream there (source/common/http/conn_manager_impl.cc, ActiveStream): the
 * request-headers timer until the head is complete, the stream idle timer reset by any activity, and the
 * request timer.
 */
export class StreamTimers {
  private readonly limits: ConnectionLimits;
  private readonly handlers: StreamTimeoutHandlers;
  private headersTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private requestTimer: NodeJS.Timeout | undefined;
  isActive = false;

  constructor(limits: ConnectionLimits, handlers: StreamTimeoutHandlers) {
    this.limits = limits;
    this.handlers = handlers;
  }

  /** A request's first byte arrived. */
  start(): void {
    this.isActive = true;
    const { requestHeadersTimeoutMs, streamIdleTimeoutMs, requestTimeoutMs } = this.limits;
    const handlers = this.handlers;
    if (requestHeadersTimeoutMs > 0)
      this.headersTimer = setTimeout(() => {
        handlers.onHeadersTimeout();
      }, requestHeadersTimeoutMs);
    // The idle timer lives as long as the connection and is re-armed per request (a new timer per request
    // costs more); when it fires between requests it does nothing.
    if (this.idleTimer !== undefined) this.idleTimer.refresh();
    else if (streamIdleTimeoutMs > 0)
      this.idleTimer = setTimeout(() => {
        if (this.isActive) handlers.onIdleTimeout();
      }, streamIdleTimeoutMs);
    if (requestTimeoutMs > 0)
      this.requestTimer = setTimeout(() => {
        handlers.onRequestTimeout();
      }, requestTimeoutMs);
  }

  /** The request head is complete. */
  stopHeadersTimer(): void {
    clearTimeout(this.headersTimer);
    this.headersTimer = undefined;
  }

  /** Bytes moved in either direction: the stream is not idle. */
  touch(): void {
    this.idleTimer?.refresh();
  }

  /** The request is over. */
  stop(): void {
    this.isActive = false;
    clearTimeout(this.headersTimer);
    clearTimeout(this.requestTimer);
    this.headersTimer = undefined;
    this.requestTimer = undefined;
  }

  /** The connection closed: nothing may fire any more. */
  dispose(): void {
    this.stop();
    clearTimeout(this.idleTimer);
  }
}
