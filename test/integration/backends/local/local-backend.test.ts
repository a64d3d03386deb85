import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { Resolver } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';
import { resolveProxyMain } from 'lbbench-proxy';

import type { Backend, Pod } from '../../../../src/backends/backend.js';
import { findFreePort } from '../../../../src/backends/local/free-port.js';
import { createLocalBackend } from '../../../../src/backends/local/local-backend.js';
import { findNginx } from '../../../../src/backends/local/upstream-server.js';
import { BackendNotUpError, LbbenchError, PortTakenError } from '../../../../src/errors.js';
import type { ProgressSink } from '../../../../src/progress.js';
import type { Scenario } from '../../../../src/scenario/types.js';
import { getDistPath } from '../../../support/dist.js';
import { isProcessAlive } from '../../../support/process-state.js';
import { checkSystemTool } from '../../../support/system-tools.js';
import { createLocalTestScenario } from '../../../support/local-scenario.js';

const signal = new AbortController().signal;
const nginxPath = await findNginx();
const helperDir = getDistPath('src/backends/local');

interface Started {
  readonly backend: Backend;
  readonly warnings: string[];
  readonly outDir: string;
}

async function startBackend(scenario: Scenario): Promise<Started> {
  const outDir = await mkdtemp(join(tmpdir(), 'lbbench-local-out-'));
  const warnings: string[] = [];
  const progress: ProgressSink = {
    step: () => undefined,
    update: () => undefined,
    warn: (m) => warnings.push(m),
  };
  const backend = createLocalBackend(scenario, {
    outDir,
    progress,
    proxyEntry: resolveProxyMain(),
    helperEntryDir: helperDir,
  });
  onTestFinished(async () => {
    await backend.down();
    await rm(outDir, { recursive: true, force: true });
  });
  await backend.up(signal);
  return { backend, warnings, outDir };
}

async function askPod(pod: Pod): Promise<{ pod: string | undefined; elapsedMs: number }> {
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: pod.ip, port: pod.port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const header = res.headers['x-upstream-pod'];
        resolve({
          pod: typeof header === 'string' ? header : undefined,
          elapsedMs: performance.now() - startedAt,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function resolveService(backend: Backend, name = 'myapp.default.svc.cluster.local'): Promise<string[]> {
  const address = /^(\S+):(\d+)/.exec(backend.environment().details.dnsServer ?? '');
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`${address?.[1] ?? ''}:${address?.[2] ?? ''}`]);
  try {
    return (await resolver.resolve4(name)).sort();
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOTFOUND') {
      return [];
    }
    throw error;
  }
}

/** Pids of this process's children, read from /proc (Linux). */
async function listChildPids(): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === process.pid) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

const servers: readonly ('node' | 'nginx')[] = checkSystemTool('nginx', nginxPath !== undefined)
  ? ['node', 'nginx']
  : ['node'];

describe.each(servers)('local backend with %s pods', (server) => {
  it('starts 3 Ready pods on their own addresses, answering with their names, listed in DNS', async () => {
    const { backend } = await startBackend(
      createLocalTestScenario({ upstream: { server, delayMs: 0, pods: [] } }),
    );
    const pods = await backend.pods(signal);
    expect(pods).toHaveLength(3);
    expect(pods.every((pod) => pod.ready)).toBe(true);
    expect(pods.map((pod) => pod.ip)).toEqual(['127.0.1.1', '127.0.1.2', '127.0.1.3']);
    expect(new Set(pods.map((pod) => pod.port)).size).toBe(1);
    for (const pod of pods) {
      expect(pod.name).toMatch(/^myapp-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect((await askPod(pod)).pod).toBe(pod.name);
    }
    expect(await resolveService(backend)).toEqual(pods.map((pod) => pod.ip).sort());
    expect(await resolveService(backend, 'myapp')).toEqual(pods.map((pod) => pod.ip).sort());
    expect(backend.environment().upstreamServer).toMatch(
      server === 'nginx' ? /^nginx\/\d/ : /^node-builtin$/,
    );
  });

  it('kill removes the pod from DNS and marks it not Ready; scale adds and removes pods', async () => {
    const { backend, warnings } = await startBackend(
      createLocalTestScenario({ upstream: { server, delayMs: 0, pods: [] } }),
    );
    const [first, second] = await backend.pods(signal);
    await backend.kill(first!.name, signal);
    expect((await backend.pods(signal)).find((pod) => pod.name === first!.name)?.ready).toBe(false);
    expect(await resolveService(backend)).not.toContain(first!.ip);
    await expect(askPod(first!)).rejects.toThrow(/ECONNREFUSED/);

    await backend.scale(4, signal);
    const scaledUp = await backend.pods(signal);
    expect(scaledUp).toHaveLength(4);
    expect(await resolveService(backend)).toHaveLength(3);

    // Scaling down removes the not-Ready pod first, then the newest.
    await backend.scale(2, signal);
    const scaledDown = await backend.pods(signal);
    expect(scaledDown.map((pod) => pod.name)).toEqual([second!.name, scaledUp[2]!.name]);
    expect(await resolveService(backend)).toEqual(scaledDown.map((pod) => pod.ip).sort());
    expect(warnings).toEqual([]);
  });

  it('slow delays the pod (restarting an nginx pod as a Node pod)', async () => {
    const { backend } = await startBackend(
      createLocalTestScenario({ upstream: { server, delayMs: 0, pods: [] } }),
    );
    const [pod] = await backend.pods(signal);
    await backend.slow(pod!.name, 300, signal);
    const answer = await askPod(pod!);
    expect(answer.pod).toBe(pod!.name);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(290);
    expect(backend.environment().upstreamServer).toContain('node-builtin');
  });
});

describe('local backend reset', () => {
  it('brings back the initial pods: extra pods removed, killed ones replaced with new names, slow undone', async () => {
    const scenario = createLocalTestScenario({
      upstream: { server: 'auto', delayMs: 0, pods: [{ index: 2, delayMs: 100 }] },
      events: [{ atMs: 0, action: 'slow', pod: 0, delayMs: 400 }],
    });
    const { backend, warnings } = await startBackend(scenario);
    const initial = await backend.pods(signal);
    await backend.slow(initial[0]!.name, 400, signal);
    await backend.kill(initial[1]!.name, signal);
    await backend.scale(5, signal);
    await backend.reset(signal);

    const pods = await backend.pods(signal);
    expect(pods).toHaveLength(3);
    expect(pods.every((pod) => pod.ready)).toBe(true);
    expect(pods[0]).toEqual(initial[0]);
    expect(pods[2]).toEqual(initial[2]);
    expect(pods[1]!.name).not.toBe(initial[1]!.name);
    expect(pods[1]!.ip).not.toBe(initial[1]!.ip);
    expect(await resolveService(backend)).toEqual(pods.map((pod) => pod.ip).sort());
    // Pod 0 answers without the slow event's delay again; pod 2 keeps the scenario's 100 ms.
    expect((await askPod(pods[0]!)).elapsedMs).toBeLessThan(300);
    expect((await askPod(pods[1]!)).pod).toBe(pods[1]!.name);
    expect((await askPod(pods[2]!)).elapsedMs).toBeGreaterThanOrEqual(90);
    expect(warnings).toEqual([]);
  });

  it('is a no-op on a cluster in its initial state, and refuses before up with an environment error', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'lbbench-local-out-'));
    onTestFinished(() => rm(outDir, { recursive: true, force: true }));
    const idle = createLocalBackend(createLocalTestScenario(), {
      outDir,
      progress: { step: () => undefined, update: () => undefined, warn: () => undefined },
      proxyEntry: resolveProxyMain(),
      helperEntryDir: helperDir,
    });
    await expect(idle.reset(signal)).rejects.toBeInstanceOf(BackendNotUpError);
    await expect(idle.reset(signal)).rejects.toMatchObject({ category: 'environment' });

    const { backend } = await startBackend(createLocalTestScenario());
    const before = await backend.pods(signal);
    await backend.reset(signal);
    expect(await backend.pods(signal)).toEqual(before);
  });
});

describe('local backend processes', () => {
  it('runs pods with a delay or a slow event as Node pods and says so', async () => {
    const scenario = createLocalTestScenario({
      upstream: { server: 'auto', delayMs: 0, pods: [{ index: 1, delayMs: 200 }] },
      events: [{ atMs: 100, action: 'slow', pod: 2, delayMs: 50 }],
    });
    const { backend } = await startBackend(scenario);
    const pods = await backend.pods(signal);
    expect((await askPod(pods[1]!)).elapsedMs).toBeGreaterThanOrEqual(190);
    const environment = backend.environment();
    if (nginxPath !== undefined) {
      expect(environment.upstreamServer).toMatch(/^nginx\/.+ \+ node-builtin$/);
      expect(environment.details.nodePods).toContain(pods[1]!.name);
      expect(environment.details.nodePods).toContain(pods[2]!.name);
      expect(environment.details.nodePods).toContain('cannot delay');
    }
  });

  it('down leaves no child process, is idempotent, and the environment is still described', async () => {
    const { backend } = await startBackend(createLocalTestScenario());
    const children = await listChildPids();
    expect(children.length).toBeGreaterThanOrEqual(4); // 3 pods + the reaper
    await backend.down();
    await backend.down();
    expect(children.filter(isProcessAlive)).toEqual([]);
    expect(await listChildPids()).toEqual([]);
    expect(backend.environment().details.podAddresses).toMatch(/^127\.0\.x\.y:\d+/);
    await expect(backend.pods(signal)).rejects.toThrow(LbbenchError);
  });

  it('down after a failed up stops what had started', async () => {
    const brokenDir = await mkdtemp(join(tmpdir(), 'lbbench-broken-'));
    onTestFinished(() => rm(brokenDir, { recursive: true, force: true }));
    await copyFile(join(helperDir, 'reaper-main.js'), join(brokenDir, 'reaper-main.js'));
    await copyFile(join(helperDir, 'reaper-protocol.js'), join(brokenDir, 'reaper-protocol.js'));
    await writeFile(join(brokenDir, 'package.json'), '{"type":"module"}');
    await writeFile(
      join(brokenDir, 'node-pod-main.js'),
      'console.error("broken pod"); process.exitCode = 3;\n',
    );
    const outDir = await mkdtemp(join(tmpdir(), 'lbbench-local-out-'));
    onTestFinished(() => rm(outDir, { recursive: true, force: true }));
    const backend = createLocalBackend(
      createLocalTestScenario({ upstream: { server: 'node', delayMs: 0, pods: [] } }),
      {
        outDir,
        progress: { step: () => undefined, update: () => undefined, warn: () => undefined },
        proxyEntry: resolveProxyMain(),
        helperEntryDir: brokenDir,
      },
    );
    await expect(backend.up(signal)).rejects.toThrow(/exited with code 3 while starting[\s\S]*broken pod/);
    expect((await listChildPids()).length).toBeGreaterThan(0); // the reaper still runs until down
    await backend.down();
    expect(await listChildPids()).toEqual([]);
  });

  it.each(
    checkSystemTool('nginx', nginxPath !== undefined) ? (['node', 'nginx'] as const) : (['node'] as const),
  )(
    'a %s pod whose address another process holds fails up naming that pod, its address and its own log line',
    async (server) => {
      const podPort = await findFreePort('127.0.1.1');
      const holder = createServer((socket) => socket.resume());
      await new Promise<void>((resolve) => holder.listen({ host: '127.0.1.2', port: podPort }, resolve));
      onTestFinished(
        () =>
          new Promise<void>((resolve) =>
            holder.close(() => {
              resolve();
            }),
          ),
      );
      const outDir = await mkdtemp(join(tmpdir(), 'lbbench-local-out-'));
      onTestFinished(() => rm(outDir, { recursive: true, force: true }));
      const backend = createLocalBackend(
        createLocalTestScenario({ upstream: { server, delayMs: 0, pods: [] } }),
        {
          outDir,
          progress: { step: () => undefined, update: () => undefined, warn: () => undefined },
          proxyEntry: resolveProxyMain(),
          helperEntryDir: helperDir,
          podPort,
        },
      );
      onTestFinished(() => backend.down());
      const error = await backend.up(signal).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(PortTakenError);
      expect((error as PortTakenError).category).toBe('environment');
      const message = (error as Error).message;
      const match = new RegExp(
        `^pod (myapp-\\S+) \\(${server}\\) could not listen on 127\\.0\\.1\\.2:${podPort}: .*Its log (\\S+) says: (.*)$`,
      ).exec(message);
      expect(match, message).not.toBeNull();
      const [, podName, logPath, line] = match ?? [];
      expect(logPath).toBe(join(outDir, 'local', 'pods', `${podName}.log`));
      expect(line).toMatch(/Address already in use|EADDRINUSE/);
      expect(await readFile(logPath!, 'utf8')).toContain(line);
      const otherLogs = (await readdir(join(outDir, 'local', 'pods'))).filter(
        (file) => file !== `${podName}.log`,
      );
      expect(otherLogs).toHaveLength(2);
      for (const file of otherLogs) {
        expect(await readFile(join(outDir, 'local', 'pods', file), 'utf8')).not.toMatch(/in use/i);
      }
    },
  );

  it('an aborted up throws AbortedError and down cleans up', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'lbbench-local-out-'));
    onTestFinished(() => rm(outDir, { recursive: true, force: true }));
    const backend = createLocalBackend(createLocalTestScenario(), {
      outDir,
      progress: { step: () => undefined, update: () => undefined, warn: () => undefined },
      proxyEntry: resolveProxyMain(),
      helperEntryDir: helperDir,
    });
    await expect(backend.up(AbortSignal.abort())).rejects.toMatchObject({ code: 'LBB_ABORTED' });
    await backend.down();
    expect(await listChildPids()).toEqual([]);
  });
});
