import type { Socket } from 'node:net';
import { createBodyDecoder } from './body-decoder.js';
import { Exchange } from './exchange.js';
import { HttpParseError, parseRequestHead } from './http-head.js';
import type { RequestHead } from './http-head.js';
import type { DownstreamPeer, ListenerContext } from './listener-context.js';
import { formatLocalReply } from './local-reply.js';
import type { RouterReply } from './route-request.js';
import { routeRequest } from './route-request.js';
import { StreamTimers } from './stream-timers.js';

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Envoy's drain states of a connection manager (source/common/http/conn_manager_impl.h): open, draining (HTTP/1
 * responses say `connection: close`, the connection closes after drain_timeout), closing (after this request).
 */
type DrainState = 'open' | 'draining' | 'closing';

/**
 * One client connection: parses requests one at a time (HTTP/1.1 keep-alive and pipelining), hands each to an
 * {@link Exchange}, and applies back-pressure in both directions.
 */
export class DownstreamConnection implements DownstreamPeer {
  private readonly socket: Socket;
  private readonly listener: ListenerContext;
  private readonly maxHeadBytes: number;
  private buffer: Buffer | undefined;
  private exchange: Exchange | undefined;
  private isClosing = false;
  private isProcessing = false;
  private isReadPaused = false;
  private hasReceivedData = false;
  private requestCount = 0;
  private drainState: DrainState = 'open';
  private readonly streamTimers: StreamTimers;
  private idleTimer: NodeJS.Timeout | undefined;
  private durationTimer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(socket: Socket, listener: ListenerContext) {
    this.socket = socket;
    this.listener = listener;
    this.maxHeadBytes = listener.config.maxRequestHeadersKb * 1024;
    socket.setNoDelay(true);
    listener.hcm.onConnectionOpen();
    const limits = listener.config.limits;
    this.streamTimers = new StreamTimers(limits, {
      onHeadersTimeout: () => {
        this.onHeadersTimeout();
      },
      onIdleTimeout: () => {
        this.onStreamTimeout('downstream_rq_idle_timeout', 'stream timeout');
      },
      onRequestTimeout: () => {
        const exchange = this.exchange;
        if (exchange !== undefined && (exchange.isRequestComplete || exchange.hasResponseStarted)) return;
        this.onStreamTimeout('downstream_rq_timeout', 'request timeout');
      },
    });
    this.armIdleTimer();
    if (limits.maxConnectionDurationMs > 0) {
      this.durationTimer = setTimeout(() => {
        listener.hcm.add('downstream_cx_max_duration_reached');
        this.startDrain();
      }, limits.maxConnectionDurationMs);
    }
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on('drain', () => this.exchange?.onDownstreamDrain());
    socket.on('error', () => undefined);
    // The listener does not allow half-open sockets: after the client's FIN Node ends this side too, and an
    // in-flight request is reset when the socket closes, as Envoy (no half-close on HTTP connections) does.
    socket.on('end', () => {
      this.isClosing = true;
    });
    socket.on('close', () => {
      this.streamTimers.dispose();
      clearTimeout(this.idleTimer);
      clearTimeout(this.durationTimer);
      clearTimeout(this.drainTimer);
      listener.hcm.onConnectionClose();
      this.exchange?.onDownstreamClose();
      this.exchange = undefined;
    });
  }

  get isDraining(): boolean {
    return this.drainState !== 'open';
  }

  /**
   * Shutdown or /drain_listeners: an idle connection closes now; a request in flight (or whose head is
   * arriving) finishes with `connection: close`, and the connection closes after it.
   */
  drain(): void {
    if (this.isClosing) return;
    this.drainState = 'closing';
    if (this.exchange === undefined && !this.streamTimers.isActive) this.endConnection();
  }

  write(data: string | Buffer): boolean {
    this.streamTimers.touch();
    return typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
  }

  pauseReading(): void {
    this.isReadPaused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.isReadPaused) return;
    this.isReadPaused = false;
    this.socket.resume();
  }

  destroy(): void {
    this.isClosing = true;
    this.socket.destroy();
  }

  onExchangeDone(exchange: unknown, shouldClose: boolean): void {
    if (exchange !== this.exchange) return;
    const isBodyUnread = this.exchange !== undefined && !this.exchange.isRequestComplete;
    this.exchange = undefined;
    this.endStream();
    if (shouldClose || isBodyUnread || this.isClosing || this.drainState === 'closing') {
      this.endConnection();
      return;
    }
    this.resumeReading();
    this.processBuffer();
  }

  private onData(chunk: Buffer): void {
    if (this.isClosing) return;
    this.hasReceivedData = true;
    this.streamTimers.touch();
    try {
      let rest = chunk;
      const exchange = this.exchange;
      if (exchange !== undefined && !exchange.isRequestComplete && this.buffer === undefined) {
        const taken = exchange.onRequestData(chunk, 0);
        rest = chunk.subarray(taken);
      }
      if (rest.length > 0)
        this.buffer = this.buffer === undefined ? rest : Buffer.concat([this.buffer, rest]);
      this.processBuffer();
      if (this.exchange !== undefined && (this.buffer?.length ?? 0) > this.listener.config.bufferLimitBytes)
        this.pauseReading();
    } catch (error) {
      if (!(error instanceof HttpParseError)) throw error;
      this.rejectRequest(error);
    }
  }

  /** Starts every complete request in the buffer, one at a time. */
  private processBuffer(): void {
    if (this.isProcessing) return;
    this.isProcessing = true;
    try {
      while (this.exchange === undefined && this.buffer !== undefined && !this.isClosing) {
        if (!this.startNextRequest(this.buffer)) break;
      }
      const exchange = this.exchange;
      if (exchange !== undefined && !exchange.isRequestComplete && this.buffer !== undefined) {
        this.buffer = this.consumeBody(exchange, this.buffer);
      }
      if (this.exchange === undefined && this.buffer === undefined) this.endStream();
    } catch (error) {
      if (!(error instanceof HttpParseError)) throw error;
      this.rejectRequest(error);
    } finally {
      this.isProcessing = false;
    }
  }

  /** Parses one request head at the start of `buffer`; false when the head is not complete yet. */
  private startNextRequest(buffer: Buffer): boolean {
    let start = 0;
    // RFC 9112 §2.2: a server should ignore empty lines received before a request line.
    while (buffer[start] === 13 || buffer[start] === 10) start++;
    if (start < buffer.length && !this.streamTimers.isActive) this.beginStream();
    const end = buffer.indexOf(HEAD_END, start);
    if (end === -1) {
      if (buffer.length - start > this.maxHeadBytes) throw new HttpParseError(431, 'request head too large');
      if (hasBareLineFeed(buffer, start)) throw new HttpParseError(400, 'bare LF in request head');
      this.buffer = start === buffer.length ? undefined : buffer.subarray(start);
      return false;
    }
    if (end - start > this.maxHeadBytes) throw new HttpParseError(431, 'request head too large');
    this.streamTimers.stopHeadersTimer();
    const head = parseRequestHead(buffer.toString('latin1', start, end));
    const target = routeRequest(head, this.listener);
    if ('status' in target) return this.replyForRouter(head, target, buffer.subarray(end + 4));
    const exchange = new Exchange(this, head, this.listener, target);
    this.exchange = exchange;
    this.buffer = this.consumeBody(exchange, buffer.subarray(end + 4));
    exchange.start();
    return true;
  }

  /**
   * Answers a request the router cannot send anywhere. A body that already arrived whole is skipped and the
   * connection stays open; otherwise the connection closes after the reply, as Envoy's codec does when a
   * response ends before its request.
   */
  private replyForRouter(head: RequestHead, reply: RouterReply, rest: Buffer): boolean {
    const decoder = createBodyDecoder(head.framing);
    const taken = decoder.decode(rest, 0, []);
    const hcm = this.listener.hcm;
    hcm.onRequestStart();
    const shouldClose = !head.isKeepAlive || !decoder.isComplete || this.isDraining;
    const text = formatLocalReply({
      status: reply.status,
      body: reply.body,
      serverName: this.listener.config.serverName,
      nowMs: this.listener.wallNow(),
      isHeadRequest: head.method === 'HEAD',
      shouldClose,
    });
    hcm.onRequestEnd(reply.status, 0);
    if (shouldClose) {
      this.endConnection(text);
      return false;
    }
    this.write(text);
    this.buffer = taken === rest.length ? undefined : rest.subarray(taken);
    return true;
  }

  /** A request's first byte: Envoy's HTTP/1 codec creates the stream here (conn_manager_impl.cc newStream). */
  private beginStream(): void {
    this.streamTimers.start();
    const maxRequests = this.listener.config.limits.maxRequestsPerConnection;
    if (maxRequests > 0 && ++this.requestCount >= maxRequests && this.drainState !== 'closing') {
      this.listener.hcm.add('downstream_cx_max_requests_reached');
      this.drainState = 'closing';
    }
  }

  /** The current request is over; an open connection without a request waits under the idle timer. */
  private endStream(): void {
    if (!this.streamTimers.isActive) return;
    this.streamTimers.stop();
    this.armIdleTimer();
  }

  /**
   * One timer per connection, re-armed with `refresh()` at the end of every request (cheaper than a new timer
   * per request); when it fires during a request it does nothing, since Envoy disarms it while streams exist.
   */
  private armIdleTimer(): void {
    const idleTimeoutMs = this.listener.config.limits.idleTimeoutMs;
    if (idleTimeoutMs <= 0 || this.isClosing || this.drainState !== 'open') return;
    if (this.idleTimer !== undefined) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => {
      if (this.streamTimers.isActive) return;
      this.listener.hcm.add('downstream_cx_idle_timeout');
      this.startDrain();
    }, idleTimeoutMs);
  }

  /**
   * Envoy's onIdleTimeout and onConnectionDurationTimeout: a connection that never sent a byte (no codec yet)
   * closes at once; otherwise the drain sequence starts, and an HTTP/1 connection closes after drain_timeout,
   * or after the request in flight then (conn_manager_impl.cc startDrainSequence, onDrainTimeout).
   */
  private startDrain(): void {
    if (this.isClosing || this.drainState !== 'open') return;
    if (!this.hasReceivedData) {
      this.endConnection();
      return;
    }
    this.drainState = 'draining';
    this.drainTimer = setTimeout(() => {
      this.drainState = 'closing';
      if (!this.streamTimers.isActive && this.exchange === undefined) this.endConnection();
    }, this.listener.config.limits.drainTimeoutMs);
  }

  /** request_headers_timeout: Envoy ends the stream, which closes an HTTP/1 connection without a reply. */
  private onHeadersTimeout(): void {
    this.listener.hcm.add('downstream_rq_header_timeout');
    this.streamTimers.stop();
    this.endConnection();
  }

  /** stream_idle_timeout and request_timeout: 408 before the response starts, a reset after. */
  private onStreamTimeout(
    counter: 'downstream_rq_idle_timeout' | 'downstream_rq_timeout',
    body: string,
  ): void {
    this.listener.hcm.add(counter);
    const exchange = this.exchange;
    if (exchange !== undefined) {
      exchange.timeOut(body);
      return;
    }
    // The head is still arriving: the stream exists in Envoy, and its local reply ends the connection.
    this.streamTimers.stop();
    const hcm = this.listener.hcm;
    hcm.onRequestStart();
    hcm.onRequestEnd(408, 0);
    this.endConnection(
      formatLocalReply({
        status: 408,
        body,
        serverName: this.listener.config.serverName,
        nowMs: this.listener.wallNow(),
        isHeadRequest: false,
        shouldClose: true,
      }),
    );
  }

  private consumeBody(exchange: Exchange, buffer: Buffer): Buffer | undefined {
    const taken = exchange.onRequestData(buffer, 0);
    return taken === buffer.length ? undefined : buffer.subarray(taken);
  }

  private rejectRequest(error: HttpParseError): void {
    this.listener.hcm.add('downstream_cx_protocol_error');
    const exchange = this.exchange;
    this.exchange = undefined;
    if (exchange !== undefined) {
      // A broken body of a request already on its way upstream: the only honest signal left is a reset.
      this.isClosing = true;
      this.buffer = undefined;
      exchange.onDownstreamClose();
      this.socket.destroy();
      return;
    }
    this.endConnection(
      formatLocalReply({
        status: error.status,
        body: getStatusBody(error.status),
        serverName: this.listener.config.serverName,
        nowMs: this.listener.wallNow(),
        isHeadRequest: false,
        shouldClose: true,
      }),
    );
  }

  /**
   * Closes the connection after what was written (and `reply`, when given). Reading goes on, `onData` drops
   * the bytes: a socket left paused would never see the client's FIN and would stay open for good.
   */
  private endConnection(reply?: string): void {
    this.isClosing = true;
    this.buffer = undefined;
    this.resumeReading();
    if (reply === undefined) this.socket.end();
    else this.socket.end(reply, 'latin1');
  }
}

/** Whether an incomplete head already holds an LF without its CR (it would otherwise wait for CRLFCRLF forever). */
function hasBareLineFeed(buffer: Buffer, start: number): boolean {
  for (let index = buffer.indexOf(10, start); index !== -1; index = buffer.indexOf(10, index + 1)) {
    if (index === start || buffer[index - 1] !== 13) return true;
  }
  return false;
}

function getStatusBody(status: number): string {
  switch (status) {
    case 431:
      return 'Request Header Fields Too Large';
    case 501:
      return 'Not Implemented';
    case 413:
      return 'Payload Too Large';
    default:
      return 'Bad Request';
  }
}
