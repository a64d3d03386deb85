import type { Socket } from 'node:net';
import { createBodyDecoder } from './body-decoder.js';
import { Exchange } from './exchange.js';
import { HttpParseError, parseRequestHead } from './http-head.js';
import type { RequestHead } from './http-head.js';
import type { DownstreamPeer, ListenerContext } from './listener-context.js';
import { formatLocalReply } from './local-reply.js';
import type { RouterReply } from './route-request.js';
import { routeRequest } from './route-request.js';

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
// Pipelined bytes held while a request is in flight; past this the client waits (TCP back-pressure).
const MAX_BUFFERED_BYTES = 64 * 1024;

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

  constructor(socket: Socket, listener: ListenerContext) {
    this.socket = socket;
    this.listener = listener;
    this.maxHeadBytes = listener.config.maxRequestHeadersKb * 1024;
    socket.setNoDelay(true);
    listener.hcm.onConnectionOpen();
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
      listener.hcm.onConnectionClose();
      this.exchange?.onDownstreamClose();
      this.exchange = undefined;
    });
  }

  write(data: string | Buffer): boolean {
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
    if (shouldClose || isBodyUnread || this.isClosing) {
      this.endConnection();
      return;
    }
    this.resumeReading();
    this.processBuffer();
  }

  private onData(chunk: Buffer): void {
    if (this.isClosing) return;
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
      if (this.exchange !== undefined && (this.buffer?.length ?? 0) > MAX_BUFFERED_BYTES) this.pauseReading();
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
    const end = buffer.indexOf(HEAD_END, start);
    if (end === -1) {
      if (buffer.length - start > this.maxHeadBytes) throw new HttpParseError(431, 'request head too large');
      if (hasBareLineFeed(buffer, start)) throw new HttpParseError(400, 'bare LF in request head');
      this.buffer = start === buffer.length ? undefined : buffer.subarray(start);
      return false;
    }
    if (end - start > this.maxHeadBytes) throw new HttpParseError(431, 'request head too large');
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
    const shouldClose = !head.isKeepAlive || !decoder.isComplete;
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
