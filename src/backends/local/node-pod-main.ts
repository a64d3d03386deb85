/**
 * The built-in Node pod: one process per pod, listening on the pod's own loopback address. It answers GET and
 * HEAD on every path with nginx's welcome page and `X-Upstream-Pod: <pod>`, after an added delay that the parent
 * changes at run time over IPC (see `node-pod-protocol.ts`). It exits when the parent's IPC channel closes, so it
 * never outlives the harness, even when the harness is killed.
 *
 * argv: `--ip 127.0.1.1 --port 8080 --name myapp-…-abcde [--delay-ms 0]`
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import type { DelaySetMessage, ListeningMessage } from './node-pod-protocol.js';
import { isSetDelayMessage } from './node-pod-protocol.js';
import { createMyappHandler } from './myapp-handler.js';

/** nginx's keepalive_timeout default (75 s), so idle proxy connections are kept as nginx keeps them. */
const KEEP_ALIVE_TIMEOUT_MS = 75_000;

const { values } = parseArgs({
  options: {
    ip: { type: 'string' },
    port: { type: 'string' },
    name: { type: 'string' },
    'delay-ms': { type: 'string', default: '0' },
  },
  strict: true,
});
const ip = requireValue('ip', values.ip);
const port = Number(requireValue('port', values.port));
const podName = requireValue('name', values.name);
let delayMs = Number(values['delay-ms']);
const myapp = createMyappHandler({
  podName,
  serverName: 'nginx-compatible (lbbench node pod)',
  getDelayMs: () => delayMs,
});

const server = createServer((request, response) => {
  myapp.handle(request, response);
});
server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
server.listen({ host: ip, port }, () => {
  const message: ListeningMessage = { type: 'listening', address: ip, port };
  process.send?.(message);
});

process.on('message', (message: unknown) => {
  if (isSetDelayMessage(message)) {
    delayMs = message.delayMs;
    const reply: DelaySetMessage = { type: 'delay-set', delayMs };
    process.send?.(reply);
  }
});
process.on('disconnect', shutDown);
process.on('SIGTERM', shutDown);
// An ES module runs after its imports load: the parent may already have gone (and the channel closed) by now.
if (process.send !== undefined && !process.connected) {
  shutDown();
}

function shutDown(): void {
  myapp.cancelPending();
  server.close();
  server.closeAllConnections();
  if (process.connected) {
    process.disconnect();
  }
}

function requireValue(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new Error(`node-pod-main: --${flag} is required`);
  }
  return value;
}
