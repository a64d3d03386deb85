import { createServer } from 'node:net';

import { ClusterError } from '../../errors.js';

/**
 * Returns a port that is free on `host`, found by binding port 0 once; all pods then share it, as pods share
 * their container port.
 * @throws ClusterError when `host` cannot be bound (e.g. macOS has only 127.0.0.1 on lo0 by default).
 */
export async function findFreePort(host: string): Promise<number> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: 0 }, resolve);
    });
  } catch (error) {
    throw new ClusterError(
      `cannot listen on ${host}: the local backend gives each pod its own 127.0.x.y address. ` +
        `On macOS add loopback aliases first (sudo ifconfig lo0 alias ${host} up).`,
      { cause: error },
    );
  }
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') {
    throw new ClusterError(`cannot read the port bound on ${host}`);
  }
  return address.port;
}
