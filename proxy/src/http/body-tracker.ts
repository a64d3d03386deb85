import type { BodyFraming } from './http-head.js';
import { HttpParseError } from './http-head.js';

/**
 * Finds where a message body ends in a byte stream without copying it: the proxy forwards body bytes as they
 * arrive (chunked framing included, untouched) and only needs to know which bytes belong to this message.
 */
export interface BodyTracker {
  /** Consumes body bytes of `chunk` from `offset`; returns how many belong to the body. */
  consume(chunk: Buffer, offset: number): number;
  /** The whole body has been seen. */
  readonly isComplete: boolean;
  /** For `close` framing: the peer closed, which ends the body. */
  end(): void;
}

/** Creates a tracker for the given framing. */
export function createBodyTracker(framing: BodyFraming): BodyTracker {
  switch (framing.kind) {
    case 'none':
      return { consume: () => 0, isComplete: true, end: () => undefined };
    case 'length':
      return createLengthTracker(framing.length);
    case 'chunked':
      return new ChunkedTracker();
    case 'close':
      return createCloseTracker();
  }
}

function createLengthTracker(length: number): BodyTracker {
  let remaining = length;
  return {
    consume(chunk, offset) {
      const taken = Math.min(remaining, chunk.length - offset);
      remaining -= taken;
      return taken;
    },
    get isComplete() {
      return remaining === 0;
    },
    end: () => undefined,
  };
}

function createCloseTracker(): BodyTracker {
  let isEnded = false;
  return {
    consume: (chunk, offset) => chunk.length - offset,
    get isComplete() {
      return isEnded;
    },
    end() {
      isEnded = true;
    },
  };
}

const CHUNK_STATE = {
  size: 0,
  extension: 1,
  sizeLf: 2,
  data: 3,
  dataCr: 4,
  dataLf: 5,
  trailerStart: 6,
  trailerLine: 7,
  trailerEndLf: 8,
  complete: 9,
} as const;
type ChunkState = (typeof CHUNK_STATE)[keyof typeof CHUNK_STATE];

const CR = 13;
const LF = 10;
// 2^48 bytes is far beyond any real chunk and keeps the arithmetic exact.
const MAX_CHUNK_SIZE = 2 ** 48;

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** RFC 9112 §7.1 chunked framing: size line, data, CRLF, …, last-chunk, trailer section. */
class ChunkedTracker implements BodyTracker {
  private state: ChunkState = CHUNK_STATE.size;
  private chunkSize = 0;
  private sizeDigits = 0;

  get isComplete(): boolean {
    return this.state === CHUNK_STATE.complete;
  }

  end(): void {
    // A chunked body ends only with its last-chunk; a close before that is a truncated body.
  }

  consume(chunk: Buffer, offset: number): number {
    let i = offset;
    const length = chunk.length;
    while (i < length && this.state !== CHUNK_STATE.complete) {
      if (this.state === CHUNK_STATE.data) {
        const taken = Math.min(this.chunkSize, length - i);
        this.chunkSize -= taken;
        i += taken;
        if (this.chunkSize === 0) this.state = CHUNK_STATE.dataCr;
        continue;
      }
      this.step(chunk[i] ?? 0);
      i++;
    }
    return i - offset;
  }

  private step(code: number): void {
    switch (this.state) {
      case CHUNK_STATE.size: {
        const digit = hexValue(code);
        if (digit >= 0) {
          this.chunkSize = this.chunkSize * 16 + digit;
          this.sizeDigits++;
          if (this.chunkSize > MAX_CHUNK_SIZE) throw new HttpParseError(400, 'chunk size too large');
        } else if (this.sizeDigits > 0 && (code === 59 || code === 32 || code === 9)) {
          this.state = CHUNK_STATE.extension;
        } else if (this.sizeDigits > 0 && code === CR) {
          this.state = CHUNK_STATE.sizeLf;
        } else {
          throw new HttpParseError(400, 'invalid chunk size');
        }
        return;
      }
      case CHUNK_STATE.extension:
        if (code === CR) this.state = CHUNK_STATE.sizeLf;
        else if (code === LF) throw new HttpParseError(400, 'bare LF in chunk extension');
        return;
      case CHUNK_STATE.sizeLf:
        this.expect(code, LF);
        this.state = this.chunkSize === 0 ? CHUNK_STATE.trailerStart : CHUNK_STATE.data;
        this.sizeDigits = 0;
        return;
      case CHUNK_STATE.dataCr:
        this.expect(code, CR);
        this.state = CHUNK_STATE.dataLf;
        return;
      case CHUNK_STATE.dataLf:
        this.expect(code, LF);
        this.state = CHUNK_STATE.size;
        return;
      case CHUNK_STATE.trailerStart:
        this.state = code === CR ? CHUNK_STATE.trailerEndLf : CHUNK_STATE.trailerLine;
        return;
      case CHUNK_STATE.trailerLine:
        if (code === LF) this.state = CHUNK_STATE.trailerStart;
        return;
      case CHUNK_STATE.trailerEndLf:
        this.expect(code, LF);
        this.state = CHUNK_STATE.complete;
        return;
      default:
        return;
    }
  }

  private expect(code: number, wanted: number): void {
    if (code !== wanted) throw new HttpParseError(400, 'malformed chunked body');
  }
}
