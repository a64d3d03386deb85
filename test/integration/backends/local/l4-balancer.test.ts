import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { L4Balancer, type L4Endpoint } from '../../../../src/backends/local/l4-balancer.js';
import { createSeededRng } from '../../../../src/stats/seeded-rng.js';

/** A TCP "pod" on loopback: answers each chunk with `<name>:<chunk>`, or echoes whole streams in `echo` mode. */
interface TestPod extends L4Endpoint {
  readonly name: string;
  readonly server: net.Server;
  readonly sockets: Set<net.Socket>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startPod(name: string, mode: 'tag' | 'echo-after-end' = 'tag'): Promise<TestPod> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (mode === 'tag') {
      socket.on('data', (chunk: Buffer) => socket.write(`${name}:${chunk.toString()}`));
      socket.on('end', () => socket.end());
      return;
    }
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    // Answers only once the client has half-closed: the reply must still reach it.
    socket.on('end', () => socket.end(Buffer.concat(received)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });
  return { name, ip: '127.0.0.1', port, server, sockets };
}

async function startBalancer(listEndpoints: () => readonly L4Endpoint[], seed = 1): Promise<number> {
  const balancer = new L4Balancer({ host: '127.0.0.1', port: 0, listEndpoints, rng: createSeededRng(seed) });
  const { port } = await balancer.listen();
  cleanups.push(() => balancer.close());
  return port;
}

/** A client connection with a line-at-a-time conversation. */
async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  cleanups.push(() => {
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

function ask(socket: net.Socket, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (chunk: Buffer) => {
      resolve(chunk.toString());
    });
    socket.once('error', reject);
    socket.write(message);
  });
}

const podOf = (answer: string): string => answer.split(':')[0] ?? '';

describe('L4Balancer', () => {
  it('balances connections, not requests: every message of a connection reaches the pod it was given', async () => {
    const pods = await Promise.all(['pod-a', 'pod-b', 'pod-c'].map((name) => startPod(name)));
    const port = await startBalancer(() => pods);
    const perPod = new Map<string, number>();
    for (let n = 0; n < 60; n++) {
      const socket = await connect(port);
      const answers = [await ask(socket, 'one'), await ask(socket, 'two'), await ask(socket, 'three')];
      const pod = podOf(answers[0] ?? '');
      expect(answers).toEqual([`${pod}:one`, `${pod}:two`, `${pod}:three`]);
      perPod.set(pod, (perPod.get(pod) ?? 0) + 1);
      socket.destroy();
    }
    expect([...perPod.keys()].sort()).toEqual(['pod-a', 'pod-b', 'pod-c']);
    expect([...perPod.values()].reduce((sum, count) => sum + count, 0)).toBe(60);
  });

  it('picks the same pods for the same seed', async () => {
    const pods = await Promise.all(['pod-a', 'pod-b', 'pod-c'].map((name) => startPod(name)));
    const sequenceFor = async (seed: number): Promise<string[]> => {
      const port = await startBalancer(() => pods, seed);
      const picked: string[] = [];
      for (let n = 0; n < 12; n++) {
        const socket = await connect(port);
        picked.push(podOf(await ask(socket, 'x')));
        socket.destroy();
      }
      return picked;
    };
    expect(await sequenceFor(5)).toEqual(await sequenceFor(5));
  });

  it('splices a large stream both ways and passes the client half-close through, the reply still arriving', async () => {
    const pod = await startPod('pod-a', 'echo-after-end');
    const port = await startBalancer(() => [pod]);
    const socket = await connect(port);
    const payload = Buffer.alloc(4 * 1024 * 1024);
    for (let index = 0; index < payload.length; index++) payload[index] = (index * 7919) % 251;
    const received: Buffer[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.once('end', resolve);
      socket.once('error', reject);
    });
    socket.end(payload);
    await ended;
    expect(Buffer.concat(received).equals(payload)).toBe(true);
  });

  it('follows the endpoints: new connections avoid a removed pod, an open connection to a killed pod breaks', async () => {
    const pods = await Promise.all(['pod-a', 'pod-b'].map((name) => startPod(name)));
    let ready: readonly TestPod[] = pods;
    const port = await startBalancer(() => ready);
    let victimSocket: net.Socket | undefined;
    for (let n = 0; n < 40 && victimSocket === undefined; n++) {
      const socket = await connect(port);
      if (podOf(await ask(socket, 'x')) === 'pod-a') victimSocket = socket;
      else socket.destroy();
    }
    if (victimSocket === undefined) throw new Error('no connection reached pod-a in 40 tries');
    const broken = new Promise<string>((resolve) => {
      victimSocket.once('error', (error: NodeJS.ErrnoException) => {
        resolve(error.code ?? error.message);
      });
      victimSocket.once('end', () => {
        resolve('end');
      });
    });
    ready = pods.filter((pod) => pod.name !== 'pod-a');
    const [podA] = pods;
    for (const socket of podA?.sockets ?? []) socket.resetAndDestroy();
    expect(await broken).toBe('ECONNRESET');
    for (let n = 0; n < 10; n++) {
      const socket = await connect(port);
      expect(podOf(await ask(socket, 'x'))).toBe('pod-b');
      socket.destroy();
    }
  });

  it('resets a connection when no endpoint is Ready, and one whose pod refuses it', async () => {
    const refusing = await startPod('pod-gone');
    await new Promise<void>((resolve) =>
      refusing.server.close(() => {
        resolve();
      }),
    );
    for (const endpoints of [[], [refusing]]) {
      const port = await startBalancer(() => endpoints);
      const socket = net.connect({ host: '127.0.0.1', port });
      cleanups.push(() => {
        socket.destroy();
      });
      const outcome = await new Promise<string>((resolve) => {
        socket.once('error', (error: NodeJS.ErrnoException) => {
          resolve(error.code ?? error.message);
        });
        socket.once('end', () => {
          resolve('end');
        });
      });
      expect(outcome).toBe('ECONNRESET');
    }
  });
});
