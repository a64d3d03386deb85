import { connect } from 'node:net';

/** Sends raw bytes to 127.0.0.1:`port` and resolves with everything received until the server closes. */
export function sendRaw(
  port: number,
  chunks: readonly (string | Buffer)[],
  options: { gapMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(received);
    });
    socket.on('connect', () => {
      void (async () => {
        for (const chunk of chunks) {
          socket.write(chunk);
          if ((options.gapMs ?? 0) > 0) await new Promise((done) => setTimeout(done, options.gapMs));
        }
      })();
    });
  });
}

/** Splits a raw HTTP/1.1 stream of responses into status lines (for counting pipelined answers). */
export function getStatusLines(raw: string): string[] {
  return raw.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? [];
}
