import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import type { MainToWorker, WorkerInit, WorkerToMain } from '../worker/messages.js';

/** A bound listener address. */
export interface BoundAddress {
  readonly ip: string;
  readonly port: number;
}

/** The proxy's worker threads as the main thread drives them. */
export interface WorkerPool {
  broadcast(message: MainToWorker): void;
  /** Binds listener `listener` in the first worker and shares its socket with the others. */
  listen(listener: number): Promise<BoundAddress>;
  /** Stops accepting and resolves once no worker holds a client connection. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Raised when a listener cannot bind (address in use, permission). */
export class ListenError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ListenError';
    this.code = code;
  }
}

const WORKER_URL = new URL('../worker/worker-main.js', import.meta.url);

function waitFor<T extends WorkerToMain['type']>(
  worker: Worker,
  accept: (message: WorkerToMain) => message is Extract<WorkerToMain, { type: T }>,
): Promise<Extract<WorkerToMain, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerToMain): void => {
      if (!accept(message)) return;
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number): void => {
      worker.off('message', onMessage);
      reject(new Error(`worker exited with code ${code} before answering`));
    };
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}

/**
 * Starts `count` workers and waits until each is ready. A worker that crashes calls `onFatal`: like Envoy, the
 * proxy cannot go on with part of its workers.
 */
export async function startWorkerPool(options: {
  count: number;
  createInit: (index: number) => WorkerInit;
  logger: Logger;
  /** Every other message a worker sends after start-up. */
  onMessage: (message: WorkerToMain) => void;
  onFatal: (error: Error) => void;
}): Promise<WorkerPool> {
  let isClosing = false;
  const workers = Array.from({ length: options.count }, (_, index) => {
    const worker = new Worker(WORKER_URL, { workerData: options.createInit(index), name: `worker_${index}` });
    worker.on('message', (message: WorkerToMain) => {
      if (message.type === 'log') options.logger.log(message.level, `worker_${index}`, message.message);
      else options.onMessage(message);
    });
    worker.on('error', (error) => {
      options.onFatal(new Error(`worker_${index} crashed: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      if (!isClosing) options.onFatal(new Error(`worker_${index} exited unexpectedly with code ${code}`));
    });
    return worker;
  });
  await Promise.all(
    workers.map((worker) => waitFor(worker, (m): m is { type: 'ready' } => m.type === 'ready')),
  );

  const bind = async (worker: Worker, message: MainToWorker, listener: number): Promise<WorkerToMain> => {
    const answer = waitFor(
      worker,
      (m): m is Extract<WorkerToMain, { type: 'listening' | 'listen-failed' }> =>
        (m.type === 'listening' || m.type === 'listen-failed') && m.listener === listener,
    );
    worker.postMessage(message);
    return answer;
  };

  return {
    broadcast(message) {
      for (const worker of workers) worker.postMessage(message);
    },
    async listen(listener) {
      const [first, ...others] = workers;
      if (first === undefined) throw new Error('no workers');
      const bound = await bind(first, { type: 'listen', listener }, listener);
      if (bound.type === 'listen-failed') throw new ListenError(bound.code, bound.message);
      if (bound.type !== 'listening') throw new Error('unexpected worker answer');
      if (others.length > 0 && bound.fd < 0)
        throw new Error('cannot share the listening socket with other workers');
      for (const worker of others) {
        const shared = await bind(worker, { type: 'listen-fd', listener, fd: bound.fd }, listener);
        if (shared.type === 'listen-failed') throw new ListenError(shared.code, shared.message);
      }
      return { ip: bound.ip, port: bound.port };
    },
    async drain() {
      const drained = workers.map((worker) =>
        waitFor(worker, (m): m is { type: 'drained' } => m.type === 'drained'),
      );
      for (const worker of workers) worker.postMessage({ type: 'drain' } satisfies MainToWorker);
      await Promise.all(drained);
    },
    async close() {
      isClosing = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
