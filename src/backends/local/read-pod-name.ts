import { request } from 'node:http';

import { POD_HEADER } from './welcome-page.js';

/** What a readiness probe found on a pod's address: nothing, or a listener and the pod name it answered with. */
export interface ProbeAnswer {
  readonly accepted: boolean;
  readonly podName: string | undefined;
}

/**
 * Sends `OPTIONS /` to `host:port` and reads the `X-Upstream-Pod` header of the answer. A bare TCP connect is no
 * readiness check here: another process bound to the same address accepts it too, and would pass for the pod.
 * Both pod servers refuse OPTIONS at once with a 405 that still names the pod (nginx through `add_header … always`),
 * so a Node pod's added delay, which may be longer than the start timeout, never holds up the probe.
 */
export async function readPodName(host: string, port: number, timeoutMs: number): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    let accepted = false;
    const req = request(
      { host, port, path: '/', method: 'OPTIONS', agent: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        const header = res.headers[POD_HEADER.toLowerCase()];
        resolve({ accepted: true, podName: typeof header === 'string' ? header : undefined });
        req.destroy();
      },
    );
    req.once('socket', (socket) => {
      socket.once('connect', () => {
        accepted = true;
      });
    });
    req.once('timeout', () => {
      req.destroy();
    });
    req.once('error', () => {
      resolve({ accepted, podName: undefined });
    });
    req.end();
  });
}
