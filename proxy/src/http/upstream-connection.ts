import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { BodyDecoder } from './body-decoder.js';
import { createBodyDecoder } from './body-decoder.js';
import type { ResponseHead } from './http-head.js';
import {
  getResponseFraming,
  HttpParseError,
  MAX_RESPONSE_HEAD_BYTES,
  parseResponseHead,
} from './http-head.js';
import type { ResetReason } from './local-reply.js';

/** What an upstream connection reports to the request it carries (the exchange). */
export interface UpstreamStreamHandler {
  onResponseHead(head: ResponseHead, isCloseDelimited: boolean): void;
  /** Decoded payload bytes of the response body (never empty). */
  onResponseBody(payload: Buffer): void;
  onResponseEnd(): void;
  /** The connection failed after the request was attached (before or after response headers). */
  onUpstreamReset(reason: ResetReason): void;
  /** The upstream socket can take more request body. */
  onUpstreamDrain(): void;
}

/** What an upstream connection reports to its pool. */
export interface ConnectionOwner {
  onConnected(connection: UpstreamConnection): void;
  onConnectFailed(connection: UpstreamConnection, reason: ResetReason): void;
  /** The response ended; `isReusable` says whether the connection may carry another request. */
  onStreamDone(connection: UpstreamConnection, isReusable: boolean): void;
  onClosed(connection: UpstreamConnection): void;
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/** One HTTP/1.1 connection to an upstream host, carrying one request at a time. */
export class UpstreamConnection {
  private readonly socket: Socket;
  requestCount = 0;
  private readonly owner: ConnectionOwner;
  private handler: UpstreamStreamHandler | undefined;
  private method = 'GET';
  private pendingHead: Buffer | undefined;
  private decoder: BodyDecoder | undefined;
  private isConnected = false;
  private isClosed = false;
  private isRequestComplete = false;
  private isResponseCloseAfter = false;
  private errno: string | undefined;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(options: { ip: string; port: number; connectTimeoutMs: number; owner: ConnectionOwner }) {
    this.owner = options.owner;
    this.socket = connect({ host: options.ip, port: options.port, noDelay: true });
    this.connectTimer = setTimeout(() => {
      this.onConnectTimeout();
    }, options.connectTimeoutMs);
    this.socket.on('connect', () => {
      this.onConnect();
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    this.socket.on('drain', () => this.handler?.onUpstreamDrain());
    this.socket.on('error', (error: NodeJS.ErrnoException) => {
      this.errno ??= error.code ?? 'EIO';
    });
    this.socket.on('close', () => {
      this.onClose();
    });
  }

  /** Attaches a request; the caller then writes its head and body with {@link write}. */
  attach(handler: UpstreamStreamHandler, method: string): void {
    this.handler = handler;
    this.method = method;
    this.decoder = undefined;
    this.pendingHead = undefined;
    this.isRequestComplete = false;
    this.isResponseCloseAfter = false;
    this.requestCount++;
  }

  /** Writes request bytes; false means the socket buffer is full (wait for `onUpstreamDrain`). */
  write(data: string | Buffer): boolean {
    return typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
  }

  /** The request has been written entirely. */
  markRequestComplete(): void {
    this.isRequestComplete = true;
  }

  /** Stops reading the response while the client cannot take more (back-pressure). */
  pauseReading(): void {
    this.socket.pause();
  }

  /** Reads the response again. */
  resumeReading(): void {
    this.socket.resume();
  }

  /** Closes the connection, dropping the request it carries, if any (timeout, retry, client gone). */
  close(): void {
    this.handler = undefined;
    this.socket.destroy();
  }

  /** A request is attached and its response has not ended. */
  get isBusy(): boolean {
    return this.handler !== undefined;
  }

  get isAlive(): boolean {
    return !this.isClosed && !this.socket.destroyed;
  }

  private onConnect(): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.isConnected = true;
    this.owner.onConnected(this);
  }

  private onConnectTimeout(): void {
    this.connectTimer = undefined;
    if (this.isConnected || this.isClosed) return;
    this.isClosed = true;
    this.socket.destroy();
    this.owner.onConnectFailed(this, { kind: 'connect-timeout' });
  }

  private onData(chunk: Buffer): void {
    const handler = this.handler;
    if (handler === undefined) {
      // Bytes on an idle connection are a protocol violation; the connection cannot be trusted any more.
      this.socket.destroy();
      return;
    }
    try {
      let offset = 0;
      if (this.decoder === undefined) {
        offset = this.readHead(chunk, handler);
        if (offset < 0) return;
      }
      this.readBody(chunk, offset, handler);
    } catch (error) {
      if (!(error instanceof HttpParseError)) throw error;
      this.handler = undefined;
      this.socket.destroy();
      handler.onUpstreamReset({ kind: 'protocol-error' });
    }
  }

  /** Accumulates and parses the response head; returns where the body starts, or -1 if more is needed. */
  private readHead(chunk: Buffer, handler: UpstreamStreamHandler): number {
    let buffer = this.pendingHead === undefined ? chunk : Buffer.concat([this.pendingHead, chunk]);
    let start = 0;
    for (;;) {
      const end = buffer.indexOf(HEAD_END, start);
      if (end === -1) {
        if (buffer.length - start > MAX_RESPONSE_HEAD_BYTES)
          throw new HttpParseError(400, 'response head too large');
        this.pendingHead = buffer.subarray(start);
        return -1;
      }
      const head = parseResponseHead(buffer.toString('latin1', start, end));
      start = end + 4;
      // Interim 1xx responses are consumed here (Envoy drops them by default); 101 would switch protocols.
      if (head.status >= 100 && head.status < 200) {
        if (head.status === 101) throw new HttpParseError(400, 'upgrade not supported');
        continue;
      }
      this.pendingHead = undefined;
      const framing = getResponseFraming(this.method, head);
      this.decoder = createBodyDecoder(framing);
      this.isResponseCloseAfter =
        head.hasConnectionClose || head.versionMinor === 0 || framing.kind === 'close';
      handler.onResponseHead(head, framing.kind === 'close');
      if (this.handler !== handler) return -1;
      if (buffer !== chunk) {
        // The head spanned chunks; continue with the joined buffer so offsets stay valid.
        buffer = buffer.subarray(start);
        start = 0;
        this.readBody(buffer, 0, handler);
        return -1;
      }
      return start;
    }
  }

  private readBody(chunk: Buffer, offset: number, handler: UpstreamStreamHandler): void {
    const decoder = this.decoder;
    if (decoder === undefined) return;
    const payload: Buffer[] = [];
    const taken = decoder.decode(chunk, offset, payload);
    const bytes = payload.length === 1 ? payload[0] : Buffer.concat(payload);
    if (bytes !== undefined && bytes.length > 0) handler.onResponseBody(bytes);
    if (!decoder.isComplete || this.handler !== handler) return;
    const hasTrailingBytes = offset + taken < chunk.length;
    this.finishStream(handler, !hasTrailingBytes);
  }

  private finishStream(handler: UpstreamStreamHandler, isClean: boolean): void {
    this.handler = undefined;
    this.decoder = undefined;
    // The request may have paused reading while its client was slow; the next request, or an idle
    // connection watching for the upstream's close, must read again.
    this.resumeReading();
    const isReusable = isClean && this.isRequestComplete && !this.isResponseCloseAfter && this.isAlive;
    // Back to the pool first: ending the response may start the client's next (pipelined) request at once,
    // and that one should find this connection idle rather than open another.
    this.owner.onStreamDone(this, isReusable);
    handler.onResponseEnd();
  }

  private onClose(): void {
    clearTimeout(this.connectTimer);
    const wasClosed = this.isClosed;
    this.isClosed = true;
    if (!this.isConnected) {
      if (!wasClosed)
        this.owner.onConnectFailed(this, { kind: 'connect-failure', errno: this.errno ?? 'ECONNRESET' });
      return;
    }
    const handler = this.handler;
    if (handler !== undefined) {
      const decoder = this.decoder;
      if (decoder !== undefined) decoder.end();
      if (decoder?.isComplete === true) this.finishStream(handler, false);
      else {
        this.handler = undefined;
        handler.onUpstreamReset({ kind: 'termination' });
      }
    }
    this.owner.onClosed(this);
  }
}
