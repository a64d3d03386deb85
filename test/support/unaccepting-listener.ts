import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Worker } from 'node:worker_threads';

/**
 * A loopback listener whose accept queue is full, so that a new connection attempt hangs in SYN-SENT: the
 * kernel drops SYNs to a listener with a full queue. This is how a test reaches a proxy's connect timeout
 * without leaving loopback. The listener lives in a worker thread whose event loop is blocked, so nothing
 * ever accepts.
 */
export interface UnacceptingListener {
  close(): Promise<void>;
}

// CommonJS: eval'd worker code is a script. It listens with backlog 1, reports, then blocks until told to go.
const WORKER_CODE = `
const { createServer } = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const server = createServer();
server.listen({ host: workerData.host, port: workerData.port, backlog: 1 }, () => {
  parentPort.postMessage('listening');
  const flag = new Int32Array(workerData.release);
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 1000);
  server.close();
});
`;

const CONNECT_PROBE_MS = 300;

/** Listens on `host:port` and fills the accept queue; resolves once a further connect attempt hangs. */
export async function startUnacceptingListener(host: string, port: number): Promise<UnacceptingListener> {
  const release = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { host, port, release } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => {
      resolve();
    });
    worker.once('error', reject);
  });
  const queued: Socket[] = [];
  for (;;) {
    const socket = connect({ host, port });
    queued.push(socket);
    const isConnected = await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        resolve(false);
      }, CONNECT_PROBE_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    if (!isConnected) break;
    if (queued.length > 64) throw new Error(`the accept queue of ${host}:${port} never filled`);
  }
  return {
    close: async () => {
      for (const socket of queued) socket.destroy();
      Atomics.store(new Int32Array(release), 0, 1);
      Atomics.notify(new Int32Array(release), 0);
      await new Promise<void>((resolve) => {
        worker.once('exit', () => {
          resolve();
        });
      });
    },
  };
}
