/** Complete messages found in a TCP byte stream, and the bytes of the next, incomplete one. */
export interface TcpFrames {
  readonly messages: readonly Buffer[];
  readonly rest: Buffer;
}

/** Splits DNS-over-TCP data into messages, each prefixed by its 2-byte big-endian length (RFC 1035 §4.2.2). */
export function readTcpFrames(data: Buffer): TcpFrames {
  const messages: Buffer[] = [];
  let offset = 0;
  while (data.length - offset >= 2) {
    const length = data.readUInt16BE(offset);
    if (data.length - offset - 2 < length) {
      break;
    }
    messages.push(data.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  return { messages, rest: data.subarray(offset) };
}

/** Prefixes a DNS message with its 2-byte length for TCP. */
export function writeTcpFrame(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}
