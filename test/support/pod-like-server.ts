import { createServer } from 'node:http';

import type { Listening } from './listen-on.js';
import { listenOn } from './listen-on.js';

/** How the fake upstream answers: which pods it names in turn, and how often it fails without a pod header. */
export interface PodLikeServerOptions {
  readonly podNames: readonly string[];
  /** Every n-th response is a 503 without the pod header (a proxy's local reply); 0 = never. */
  readonly failEvery?: number;
}

/** A loopback server that plays a proxy in front of pods: it answers 200 with `X-Upstream-Pod` naming pods in turn. */
export interface PodLikeServer extends Listening {
  /** Requests received, by the pod named in the answer, plus `(none)` for the 503s. */
  readonly served: Map<string, number>;
}

/** Starts a {@link PodLikeServer} on 127.0.0.1:0. */
export async function startPodLikeServer(options: PodLikeServerOptions): Promise<PodLikeServer> {
  const served = new Map<string, number>();
  let count = 0;
  const server = createServer((_request, response) => {
    count += 1;
    const failEvery = options.failEvery ?? 0;
    if (failEvery > 0 && count % failEvery === 0) {
      served.set('(none)', (served.get('(none)') ?? 0) + 1);
      response.writeHead(503, { 'Content-Type': 'text/plain' }).end('no healthy upstream');
      return;
    }
    const pod = options.podNames[count % options.podNames.length] ?? 'unknown';
    served.set(pod, (served.get(pod) ?? 0) + 1);
    response.writeHead(200, { 'Content-Type': 'text/plain', 'X-Upstream-Pod': pod }).end('ok');
  });
  server.keepAliveTimeout = 75_000;
  const listening = await listenOn(server);
  return { ...listening, served };
}
