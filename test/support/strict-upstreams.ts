import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** An upstream that counts every request it parsed. */
export interface CountingUpstream {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  /** Requests parsed so far (nginx: access-log lines, 400s included; Node: `request` events). */
  countRequests(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A Node server on llhttp's strict mode (no `insecureHTTPParser`): it answers every request with 200 after
 * reading its body, and counts requests and the connections llhttp refused (`clientError`).
 */
export async function startStrictNodeUpstream(
  ip: string,
): Promise<CountingUpstream & { readonly clientErrors: readonly string[] }> {
  const sockets = new Set<Socket>();
  const clientErrors: string[] = [];
  const state = { requests: 0 };
  const server = createServer({ insecureHTTPParser: false }, (request, response) => {
    state.requests++;
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'node' });
      response.end('ok\n');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('clientError', (error: Error & { code?: string; rawPacket?: Buffer }, socket: Socket) => {
    // A peer resetting or closing a connection mid-message (the proxy drops an upstream request whose
    // client left) is not a parse error.
    if (error.code !== 'ECONNRESET' && error.code !== 'HPE_INVALID_EOF_STATE')
      clientErrors.push(
        `${error.code ?? error.message}: ${JSON.stringify(error.rawPacket?.toString('latin1'))}`,
      );
    socket.destroy();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, ip, resolve);
  });
  return {
    name: 'node-llhttp-strict',
    ip,
    port: (server.address() as AddressInfo).port,
    clientErrors,
    countRequests: () => Promise.resolve(state.requests),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Starts nginx (one foreground process) on `ip:port`, logging one access-log line per request it parsed. */
export async function startNginxUpstream(
  nginxPath: string,
  ip: string,
  port: number,
): Promise<CountingUpstream> {
  const directory = await mkdtemp(join(tmpdir(), 'lbb-nginx-fuzz-'));
  const logPath = join(directory, 'access.log');
  await mkdir(join(directory, 'temp'));
  const temp = (name: string): string => `${name}_temp_path ${join(directory, 'temp', name)};`;
  await writeFile(logPath, '');
  await writeFile(
    join(directory, 'nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid ${join(directory, 'nginx.pid')};
error_log ${join(directory, 'error.log')} crit;
events { worker_connections 4096; }
http {
  log_format fuzz '$status $request_method $request_uri';
  access_log ${logPath} fuzz;
  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}
  keepalive_requests 1000000000;
  server {
    listen ${ip}:${port};
    location / { return 200 "ok\\n"; }
  }
}
`,
  );
  const child = spawn(nginxPath, ['-p', directory, '-c', join(directory, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const countRequests = async (): Promise<number> => {
    const text = await readFile(logPath, 'utf8');
    return text === '' ? 0 : text.trimEnd().split('\n').length;
  };
  // Ready when it answers on its port.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const isUp = await fetch(`http://${ip}:${port}/ready`).then(
      () => true,
      () => false,
    );
    if (isUp) break;
    if (attempt > 100) throw new Error(`nginx did not start: ${stderr}`);
    await delay(50);
  }
  // nginx logs a request after answering it: wait for the readiness probe's line.
  while ((await countRequests()) === 0) await delay(10);
  const readyLines = await countRequests();
  return {
    name: 'nginx',
    ip,
    port,
    countRequests: async () => (await countRequests()) - readyLines,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
