import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const HEADER = '# pxname,svname,scur,stot,econ,eresp,status,hrsp_2xx,hrsp_5xx,addr,';
const EMPTY_SLOTS = 2;

/**
 * HAProxy's stats page for the fake cluster's port-forward: `/stats;csv` lists the `myapp` backend's server slots,
 * one per Ready pod (as `server-template` fills them from the DNS answer) and two empty ones in MAINT.
 */
export async function startStandInHaproxyStats(readyIps: () => readonly string[]): Promise<{
  readonly port: number;
  readonly requests: number;
  readonly close: () => Promise<void>;
}> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    if (request.url !== '/stats;csv') {
      response.writeHead(404).end();
      return;
    }
    const ips = readyIps();
    const rows = [
      ...ips.map((ip, index) => `myapp,myapp${index + 1},0,0,0,0,no check,0,0,${ip}:80,`),
      ...Array.from(
        { length: EMPTY_SLOTS },
        (_, index) => `myapp,myapp${ips.length + index + 1},0,0,0,0,MAINT (resolution),0,0,,`,
      ),
      'myapp,BACKEND,0,0,0,0,UP,0,0,,',
    ];
    response.writeHead(200, { 'content-type': 'text/plain' }).end([HEADER, ...rows, ''].join('\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
