/**
 * The built-in Node pod: one process per pod, listening on the pod's own loopback address. It answers GET and
 * HEAD on every path with nginx's welcome page and `X-Upstream-Pod: <pod>`, with the behaviour of its settings
 * (capacity, latency, error rate, added delay; see `myapp-handler.ts`), which the parent changes at run time over
 * IPC (see `node-pod-protocol.ts`) along with its fault. It exits when the parent's IPC channel closes, so it
 * never outlives the harness, even when the harness is killed.
 *
 * argv: `--ip 127.0.1.1 --port 8080 --name myapp-…-abcde [--settings '{"behavior":{…},"seed":N}']`
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import type {
  DelaySetMessage,
  FaultSetMessage,
  ListeningMessage,
  SettingsSetMessage,
} from './node-pod-protocol.js';
import { isSetDelayMessage, isSetFaultMessage, isSetSettingsMessage } from './node-pod-protocol.js';
import { createMyappHandler } from './myapp-handler.js';
import { createDelayOnlySettings, readPodSettings } from './pod-settings.js';

/** nginx's keepalive_timeout default (75 s), so idle proxy connections are kept as nginx keeps them. */
const KEEP_ALIVE_TIMEOUT_MS = 75_000;

const { values } = parseArgs({
  options: {
    ip: { type: 'string' },
    port: { type: 'string' },
    name: { type: 'string' },
    settings: { type: 'string' },
  },
  strict: true,
});
const ip = requireValue('ip', values.ip);
const port = Number(requireValue('port', values.port));
const podName = requireValue('name', values.name);
const myapp = createMyappHandler({
  podName,
  serverName: 'nginx-compatible (lbbench node pod)',
  settings: values.settings === undefined ? createDelayOnlySettings(0) : parseSettings(values.settings),
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
    myapp.setDelay(message.delayMs);
    const reply: DelaySetMessage = { type: 'delay-set', delayMs: message.delayMs };
    process.send?.(reply);
  } else if (isSetFaultMessage(message)) {
    myapp.setFault(message.fault);
    const reply: FaultSetMessage = { type: 'fault-set', fault: message.fault };
    process.send?.(reply);
  } else if (isSetSettingsMessage(message)) {
    myapp.setSettings(message.settings);
    const reply: SettingsSetMessage = { type: 'settings-set' };
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

function parseSettings(text: string): NonNullable<ReturnType<typeof readPodSettings>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const settings = readPodSettings(parsed);
  if (settings === undefined)
    throw new Error(`node-pod-main: --settings is not valid pod settings JSON: ${text}`);
  return settings;
}

function requireValue(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new Error(`node-pod-main: --${flag} is required`);
  }
  return value;
}
