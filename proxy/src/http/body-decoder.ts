import type { BodyFraming } from './http-head.js';
import { HttpParseError, validateFieldLine } from './http-head.js';

/**
 * Decodes a message body from a byte stream: which bytes belong to this message, and the payload they carry.
 * Chunked framing is decoded, never passed on: the proxy re-frames the payload for the next hop, so a peer can
 * only ever see framing the proxy wrote itself (RFC 9112 §7.1; Envoy's codec does the same).
 */
export interface BodyDecoder {
  /** Consumes body bytes of `chunk` from `offset` and appends their payload to `payload`; returns how many were body. */
  decode(chunk: Buffer, offset: number, payload: Buffer[]): number;
  /** The whole body has been seen. */
  readonly isComplete: boolean;
  /** For `close` framing: the peer closed, which ends the body. */
  end(): void;
}

/** Creates a decoder for the given framing. */
export function createBodyDecoder(framing: BodyFraming): BodyDecoder {
  switch (framing.kind) {
    case 'none':
      return { decode: () => 0, isComplete: true, end: () => undefined };
    case 'length':
      return new LengthDecoder(framing.length);
    case 'chunked':
      return new ChunkedDecoder();
    case 'close':
      return new CloseDecoder();
  }
}

class LengthDecoder implements BodyDecoder {
  private remaining: number;
  constructor(length: number) {
    this.remaining = length;
  }
  get isComplete(): boolean {
    return this.remaining === 0;
  }
  decode(chunk: Buffer, offset: number, payload: Buffer[]): number {
    const taken = Math.min(this.remaining, chunk.length - offset);
    this.remaining -= taken;
    if (taken > 0) payload.push(chunk.subarray(offset, offset + taken));
    return taken;
  }
  end(): void {
    // A length-delimited body ends at its length; a close before that is a truncated body.
  }
}

class CloseDecoder implements BodyDecoder {
  isComplete = false;
  decode(chunk: Buffer, offset: number, payload: Buffer[]): number {
    if (chunk.length > offset) payload.push(chunk.subarray(offset));
    return chunk.length - offset;
  }
  end(): void {
    this.isComplete = true;
  }
}

/** Where the chunked decoder is in RFC 9112 §7.1's grammar. */
type ChunkState =
  | 'size'
  | 'size-cr'
  | 'extension-name'
  | 'extension-value'
  | 'extension-quoted'
  | 'extension-quoted-pair'
  | 'extension-quoted-done'
  | 'size-lf'
  | 'data'
  | 'data-cr'
  | 'data-lf'
  | 'trailer-line'
  | 'trailer-lf'
  | 'complete';

const CR = 13;
const LF = 10;
const SEMICOLON = 59;
const EQUALS = 61;
const QUOTE = 34;
const BACKSLASH = 92;
// 2^48 bytes is far beyond any real chunk and keeps the arithmetic exact; larger is llhttp's "Chunk size overflow".
const MAX_CHUNK_SIZE = 2 ** 48;
// A trailer section counts against the same limit as a head (Envoy's max_request_headers_kb default).
const MAX_TRAILER_BYTES = 60 * 1024;

// RFC 9110 §5.6.2 tchar.
const TOKEN_CHARS = new Uint8Array(256);
for (const char of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TOKEN_CHARS[char.charCodeAt(0)] = 1;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** RFC 9110 §5.6.4 qdtext: HTAB, SP, VCHAR except `"` and `\`, obs-text. */
function isQuotedText(code: number): boolean {
  return code === 9 || (code >= 32 && code !== QUOTE && code !== BACKSLASH && code !== 127);
}

function fail(message: string): never {
  throw new HttpParseError(400, message);
}

/**
 * RFC 9112 §7.1 chunked framing, as strictly as llhttp without lenient flags: CRLF only, hex sizes without
 * whitespace, chunk extensions `;name[=token|quoted-string]` without whitespace, trailer fields checked like
 * header fields. Extensions and trailers are dropped (Envoy's default: `enable_trailers` off).
 */
class ChunkedDecoder implements BodyDecoder {
  private state: ChunkState = 'size';
  private chunkSize = 0;
  private sizeDigits = 0;
  private trailerLine = '';
  private trailerBytes = 0;

  get isComplete(): boolean {
    return this.state === 'complete';
  }

  end(): void {
    // A chunked body ends only with its last-chunk; a close before that is a truncated body.
  }

  decode(chunk: Buffer, offset: number, payload: Buffer[]): number {
    let i = offset;
    const length = chunk.length;
    while (i < length && this.state !== 'complete') {
      if (this.state === 'data') {
        const taken = Math.min(this.chunkSize, length - i);
        payload.push(chunk.subarray(i, i + taken));
        this.chunkSize -= taken;
        i += taken;
        if (this.chunkSize === 0) this.state = 'data-cr';
        continue;
      }
      this.step(chunk[i] ?? 0);
      i++;
    }
    return i - offset;
  }

  private step(code: number): void {
    switch (this.state) {
      case 'size':
        this.stepSize(code);
        return;
      case 'extension-name':
        if (TOKEN_CHARS[code] === 1) return;
        this.endExtensionPart(code, code === EQUALS ? 'extension-value' : undefined);
        return;
      case 'extension-value':
        if (TOKEN_CHARS[code] === 1) return;
        if (code === QUOTE) this.state = 'extension-quoted';
        else this.endExtensionPart(code, undefined);
        return;
      case 'extension-quoted':
        if (code === QUOTE) this.state = 'extension-quoted-done';
        else if (code === BACKSLASH) this.state = 'extension-quoted-pair';
        else if (!isQuotedText(code)) fail('invalid character in chunk extension');
        return;
      case 'extension-quoted-pair':
        if (!isQuotedText(code) && code !== QUOTE && code !== BACKSLASH)
          fail('invalid quoted-pair in chunk extension');
        this.state = 'extension-quoted';
        return;
      case 'extension-quoted-done':
        this.endExtensionPart(code, undefined);
        return;
      case 'size-lf':
        this.expect(code, LF);
        this.state = this.chunkSize === 0 ? 'trailer-line' : 'data';
        this.sizeDigits = 0;
        return;
      case 'data-cr':
        this.expect(code, CR);
        this.state = 'data-lf';
        return;
      case 'data-lf':
        this.expect(code, LF);
        this.state = 'size';
        return;
      case 'trailer-line':
        this.stepTrailer(code);
        return;
      case 'trailer-lf':
        this.expect(code, LF);
        this.endTrailerLine();
        return;
      default:
        return;
    }
  }

  private stepSize(code: number): void {
    const digit = hexValue(code);
    if (digit >= 0) {
      this.chunkSize = this.chunkSize * 16 + digit;
      this.sizeDigits++;
      if (this.chunkSize > MAX_CHUNK_SIZE) fail('chunk size overflow');
    } else if (this.sizeDigits > 0 && code === SEMICOLON) {
      this.state = 'extension-name';
    } else if (this.sizeDigits > 0 && code === CR) {
      this.state = 'size-lf';
    } else {
      fail('invalid character in chunk size');
    }
  }

  /** After an extension name or value: another extension, a value (`next`), or the end of the size line. */
  private endExtensionPart(code: number, next: ChunkState | undefined): void {
    if (next !== undefined) this.state = next;
    else if (code === SEMICOLON) this.state = 'extension-name';
    else if (code === CR) this.state = 'size-lf';
    else fail('invalid character in chunk extension');
  }

  private stepTrailer(code: number): void {
    if (code === CR) {
      this.state = 'trailer-lf';
      return;
    }
    if (code === LF) fail('bare LF in trailer section');
    if (++this.trailerBytes > MAX_TRAILER_BYTES) throw new HttpParseError(431, 'trailer section too large');
    this.trailerLine += String.fromCharCode(code);
  }

  private endTrailerLine(): void {
    if (this.trailerLine === '') {
      this.state = 'complete';
      return;
    }
    validateFieldLine(this.trailerLine);
    this.trailerLine = '';
    this.state = 'trailer-line';
  }

  private expect(code: number, wanted: number): void {
    if (code !== wanted) fail('malformed chunked body');
  }
}
