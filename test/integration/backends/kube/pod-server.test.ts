import { afterEach, describe, expect, it } from 'vitest';
import { startPodServer, type PodServer } from '../../../../src/backends/kube/pod-server.js';
import { createDelayOnlySettings } from '../../../../src/backends/local/pod-settings.js';

const servers: PodServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function start(delayMs: number): Promise<PodServer> {
  const server = await startPodServer({
    host: '127.0.0.1',
    port: 0,
    controlPort: 0,
    podName: 'myapp-abc',
    settings: createDelayOnlySettings(delayMs),
  });
  servers.push(server);
  return server;
}

const putDelay = (server: PodServer, body: string) =>
  fetch(`http://127.0.0.1:${server.controlPort}/delay`, { method: 'PUT', body });

describe('the lbbench image pod server', () => {
  it("answers nginx's welcome page with X-Upstream-Pod, and its delay changes at run time", async () => {
    const server = await start(0);
    const first = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-upstream-pod')).toBe('myapp-abc');
    expect(await first.text()).toContain('Welcome to nginx!');
    expect(await (await putDelay(server, '{"delayMs": 150}')).json()).toEqual({ delayMs: 150 });
    const startedMs = performance.now();
    await (await fetch(`http://127.0.0.1:${server.port}/`)).text();
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(140);
    // Readiness does not wait for the delay.
    expect(await (await fetch(`http://127.0.0.1:${server.controlPort}/ready`)).json()).toEqual({
      delayMs: 150,
    });
  });

  it.each(['{"delayMs": -1}', '{"delayMs": "5"}', 'not json', '{}'])(
    'refuses the delay body %s',
    async (body) => {
      const server = await start(7);
      expect((await putDelay(server, body)).status).toBe(400);
      expect(server.delayMs()).toBe(7);
    },
  );
});
