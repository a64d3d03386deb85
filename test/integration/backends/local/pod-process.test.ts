import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

import { findFreePort } from '../../../../src/backends/local/free-port.js';
import { getPodAddress } from '../../../../src/backends/local/pod-names.js';
import type { PodProcess, PodProcessSpec } from '../../../../src/backends/local/pod-process.js';
import { startPodProcess } from '../../../../src/backends/local/pod-process.js';
import { createDelayOnlySettings } from '../../../../src/backends/local/pod-settings.js';
import type { PodServerKind } from '../../../../src/backends/local/upstream-server.js';
import { findNginx } from '../../../../src/backends/local/upstream-server.js';
import { PortTakenError } from '../../../../src/errors.js';
import { getDistPath } from '../../../support/dist.js';
import { isProcessAlive } from '../../../support/process-state.js';
import { checkSystemTool } from '../../../support/system-tools.js';

interface PodAnswer {
  readonly status: number;
  readonly pod: string | undefined;
  readonly server: string | undefined;
  readonly body: string;
  readonly elapsedMs: number;
}

const NODE_POD_ENTRY = getDistPath('src/backends/local/node-pod-main.ts');
let workDir: string;
const nginxPath = await findNginx();

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lbbench-pod-test-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function startPods(server: PodServerKind, count: number, delayMs = 0): Promise<PodProcess[]> {
  const port = await findFreePort(getPodAddress(0));
  const specs = createSpecs(server, count, port, delayMs);
  const pods = await Promise.all(specs.map((spec) => startPodProcess(spec, new AbortController().signal)));
  onTestFinished(async () => {
    await Promise.all(pods.map((pod) => pod.stop()));
  });
  return pods;
}

function createSpecs(server: PodServerKind, count: number, port: number, delayMs = 0): PodProcessSpec[] {
  return Array.from({ length: count }, (_, index): PodProcessSpec => {
    const name = `myapp-test-${server}-${index}`;
    return {
      name,
      ip: getPodAddress(index),
      port,
      server,
      settings: createDelayOnlySettings(delayMs),
      podDir: join(workDir, name),
      logPath: join(workDir, `${name}.log`),
      nginxPath,
      nodePodEntry: NODE_POD_ENTRY,
    };
  });
}

/** Listens on `host:port` as a foreign process would; it accepts connections and never answers. */
async function holdAddress(host: string, port: number): Promise<void> {
  const holder = createServer((socket) => socket.resume());
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.listen({ host, port }, resolve);
  });
  onTestFinished(async () => {
    holder.close();
    await once(holder, 'close');
  });
}

async function askPod(pod: PodProcess, method = 'GET'): Promise<PodAnswer> {
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: pod.spec.ip, port: pod.spec.port, path: '/', method, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          const header = res.headers['x-upstream-pod'];
          resolve({
            status: res.statusCode ?? 0,
            pod: typeof header === 'string' ? header : undefined,
            server: typeof res.headers.server === 'string' ? res.headers.server : undefined,
            body,
            elapsedMs: performance.now() - startedAt,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const servers: PodServerKind[] = checkSystemTool('nginx', nginxPath !== undefined)
  ? ['node', 'nginx']
  : ['node'];

describe.each(servers)('%s pods', (server) => {
  it('answer on their own 127.0.1.x address with their X-Upstream-Pod header and the welcome page', async () => {
    const pods = await startPods(server, 3);
    const answers = await Promise.all(pods.map((pod) => askPod(pod)));
    expect(answers.map((answer) => answer.pod)).toEqual(pods.map((pod) => pod.spec.name));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(new Set(pods.map((pod) => pod.spec.ip)).size).toBe(3);
    for (const answer of answers) {
      expect(answer.body).toContain('Welcome to nginx!');
      expect(answer.server).toMatch(server === 'nginx' ? /^nginx/ : /lbbench/);
    }
  });

  it('answers HEAD without a body and any path with the page', async () => {
    const [pod] = await startPods(server, 1);
    const head = await askPod(pod!, 'HEAD');
    expect(head).toMatchObject({ status: 200, pod: pod!.spec.name, body: '' });
  });

  it('whose address another process holds fail naming the pod, its address and the line of its own log', async () => {
    const port = await findFreePort(getPodAddress(0));
    await holdAddress(getPodAddress(1), port);
    const specs = createSpecs(server, 2, port);
    const [first, second] = await Promise.allSettled(
      specs.map((spec) => startPodProcess(spec, new AbortController().signal)),
    );
    if (first?.status === 'fulfilled') onTestFinished(() => first.value.stop());
    expect(first?.status).toBe('fulfilled');
    expect(second?.status).toBe('rejected');
    const error = second?.status === 'rejected' ? (second.reason as Error) : undefined;
    expect(error).toBeInstanceOf(PortTakenError);
    const bindLine =
      server === 'nginx'
        ? `bind() to ${getPodAddress(1)}:${port} failed (98: Address already in use)`
        : `listen EADDRINUSE: address already in use ${getPodAddress(1)}:${port}`;
    expect(error?.message).toContain(
      `pod ${specs[1]!.name} (${server}) could not listen on ${getPodAddress(1)}:${port}`,
    );
    expect(error?.message).toContain(specs[1]!.logPath);
    expect(error?.message).toContain(bindLine);
    expect(await readFile(specs[1]!.logPath, 'utf8')).toContain(bindLine);
    expect(await readFile(specs[0]!.logPath, 'utf8').catch(() => '')).not.toMatch(/in use/i);
  });

  it('stops by its own pid: SIGTERM, and SIGKILL on kill', async () => {
    const pods = await startPods(server, 2);
    await pods[0]!.stop();
    const killExit = await pods[1]!.kill();
    expect(killExit.signal).toBe('SIGKILL');
    expect(pods.map((pod) => isProcessAlive(pod.pid))).toEqual([false, false]);
  });
});

describe('node pod delay', () => {
  it('does not hold up the start, even when longer than the start timeout', async () => {
    const startedAt = performance.now();
    const [pod] = await startPods('node', 1, 60_000);
    expect(pod!.getDelayMs()).toBe(60_000);
    // The start timeout is 10 s: a readiness probe that waited for the delay would have failed the start.
    expect(performance.now() - startedAt).toBeLessThan(9_000);
  });

  it('changes at run time over IPC and delays later answers by at least that much', async () => {
    const [pod] = await startPods('node', 1);
    const before = await askPod(pod!);
    await pod!.setDelay(300);
    const after = await askPod(pod!);
    expect(pod!.getDelayMs()).toBe(300);
    expect(before.status).toBe(200);
    // A lower bound only: a delayed answer cannot arrive before its delay.
    expect(after.elapsedMs).toBeGreaterThanOrEqual(290);
  });

  it('starts with the delay it was given', async () => {
    const [pod] = await startPods('node', 1, 250);
    expect((await askPod(pod!)).elapsedMs).toBeGreaterThanOrEqual(240);
  });

  it.runIf(nginxPath !== undefined)('is refused for an nginx pod', async () => {
    const [pod] = await startPods('nginx', 1);
    await expect(pod!.setDelay(100)).rejects.toThrow(/cannot change its delay/);
  });

  it('exits when its parent closes the IPC channel, as when the harness dies', async () => {
    const port = await findFreePort(getPodAddress(0));
    const entry = NODE_POD_ENTRY;
    const args = [entry, '--ip', getPodAddress(0), '--port', String(port), '--name', 'myapp-orphan'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
    });
    await new Promise((resolve) => child.once('message', resolve));
    child.disconnect();
    expect(await exited).toBe(0);
  });
});
