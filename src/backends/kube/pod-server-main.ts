/**
 * The myapp pod server of the lbbench image (see `pod-server.ts`). The pod's name is its hostname, as for nginx.
 *
 * argv: `--port 80 --control-port 8081 [--delay-ms 0]`; the backend sends each pod its settings (`PUT /settings`).
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { startPodServer } from './pod-server.js';
import { createDelayOnlySettings } from '../local/pod-settings.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '80' },
    'control-port': { type: 'string', default: '8081' },
    'delay-ms': { type: 'string', default: '0' },
  },
  strict: true,
});
const server = await startPodServer({
  host: '0.0.0.0',
  port: Number(values.port),
  controlPort: Number(values['control-port']),
  podName: hostname(),
  settings: createDelayOnlySettings(Number(values['delay-ms'])),
});
process.stdout.write(
  `pod server on :${server.port} (control :${server.controlPort}), delay ${server.delayMs()} ms\n`,
);
const stop = (): void => {
  // Closing both servers ends the event loop, and so the process, with exit code 0.
  void server.close();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
