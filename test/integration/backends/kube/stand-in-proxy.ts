import { createServer, type Server } from 'node:http';

/** Local HTTP servers playing the proxy pod's traffic (80) and admin (9901) ports behind the fake port-forward. */
export interface StandInProxy {
  readonly trafficPort: number;
  readonly adminPort: number;
  /** Requests the traffic server answered, by path. */
  readonly trafficPaths: string[];
  readonly close: () => Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Starts the stand-in; its /clusters lists `hostIps()` in Envoy's text format. */
export async function startStandInProxy(hostIps: () => readonly string[]): Promise<StandInProxy> {
  const trafficPaths: string[] = [];
  const traffic = createServer((request, response) => {
    trafficPaths.push(request.url ?? '');
    response
      .writeHead(200, { 'content-type': 'text/plain', 'x-upstream-pod': 'myapp-stand-in' })
      .end('hello from the pod\n');
  });
  const admin = createServer((request, response) => {
    if (request.url !== '/clusters') {
      response.writeHead(404).end();
      return;
    }
    const lines = [
      'myapp_cluster::observability_name::myapp_cluster',
      'myapp_cluster::default_priority::max_connections::1024',
    ];
    for (const ip of hostIps()) {
      lines.push(`myapp_cluster::${ip}:80::cx_active::0`, `myapp_cluster::${ip}:80::rq_total::0`);
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end(`${lines.join('\n')}\n`);
  });
  const [trafficPort, adminPort] = await Promise.all([listen(traffic), listen(admin)]);
  return {
    trafficPort,
    adminPort,
    trafficPaths,
    close: async () => {
      for (const server of [traffic, admin]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        });
      }
    },
  };
}
