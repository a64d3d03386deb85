import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { findProgram } from '../../../../src/backends/local/find-program.js';
import {
  NGINX_DISCOVERY_DIR,
  NGINX_DISCOVERY_SCRIPT,
} from '../../../../src/backends/kube/nginx-discovery-script.js';
import { parseNginxDiscoveryLog } from '../../../../src/backends/kube/nginx-reload-log.js';
import { createWorkDir } from '../../../support/work-dir.js';

const NGINX = await findProgram('nginx');
const WAIT = { timeout: 15_000, interval: 50 };

/**
 * The nginx row's pod command, run as the pod runs it (`/bin/sh`, dash on Debian as in the official image) against
 * the real nginx: `getent` is a shim answering from a file (the headless Service's Ready pods), `nginx` a wrapper
 * that points nginx at a config in the test's folder, listening on a unix socket only.
 */
async function startDiscoveryLoop(nginx: string) {
  const dir = await createWorkDir('lbbench-nginx-discovery-');
  const bin = path.join(dir, 'bin');
  const lb = path.join(dir, 'lb');
  await mkdir(bin);
  await mkdir(lb);
  const ipsFile = path.join(dir, 'ips');
  const setReadyPods = (ips: readonly string[]) => writeFile(ipsFile, `${ips.join(' ')}\n`);
  const shims = {
    getent: `#!/bin/sh\nfor ip in $(cat '${ipsFile}'); do echo "$ip STREAM $2"; echo "$ip DGRAM"; done\n`,
    nginx: `#!/bin/sh\nexec '${nginx}' -p '${dir}' -c '${dir}/nginx.conf' -e '${dir}/error.log' "$@"\n`,
  };
  for (const [name, text] of Object.entries(shims)) {
    await writeFile(path.join(bin, name), text);
    await chmod(path.join(bin, name), 0o755);
  }
  await writeFile(
    path.join(dir, 'nginx.conf'),
    `pid '${dir}/nginx.pid';\nworker_processes 2;\nerror_log stderr notice;\nevents {}\nhttp {\n  access_log off;\n` +
      `  upstream myapp { include '${lb}/servers.conf'; }\n` +
      `  server { listen 'unix:${dir}/traffic.sock'; location / { proxy_pass http://myapp; }\n` +
      `    location = /lbbench-generation { include '${lb}/generation.conf'; } }\n}\n`,
  );
  const script = path.join(dir, 'discover.sh');
  await writeFile(script, NGINX_DISCOVERY_SCRIPT.replaceAll(NGINX_DISCOVERY_DIR, lb));
  await setReadyPods(['10.244.1.3', '10.244.1.4']);
  const child = spawn('/bin/sh', [script, 'myapp.lbbench.svc.cluster.local', '80', '0.1'], {
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = new Promise<void>((resolve) =>
    child.on('close', () => {
      resolve();
    }),
  );
  onTestFinished(async () => {
    // The script's TERM trap stops nginx (QUIT) and waits for it.
    child.kill('SIGTERM');
    await closed;
  });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  return {
    setReadyPods,
    readLog: () => log,
    readServers: () => readFile(path.join(lb, 'servers.conf'), 'utf8'),
  };
}

describe.skipIf(NGINX === undefined)(
  'the nginx row pod discovery loop (needs nginx: apt-get install nginx)',
  () => {
    it('logs the upstream it starts with, then one reload line per change with the pod IPs and when it was served', async () => {
      const loop = await startDiscoveryLoop(NGINX ?? '');
      const generations = () => parseNginxDiscoveryLog(loop.readLog()).generations;
      await vi.waitFor(() => {
        expect(generations()).toHaveLength(1);
      }, WAIT);
      expect(generations()[0]).toEqual({ generation: 1, servers: ['10.244.1.3', '10.244.1.4'] });

      await loop.setReadyPods(['10.244.1.3', '10.244.1.4', '10.244.1.9']);
      await vi.waitFor(() => {
        expect(generations()).toHaveLength(2);
      }, WAIT);
      await loop.setReadyPods([]);
      await vi.waitFor(() => {
        expect(generations()).toHaveLength(3);
      }, WAIT);

      const log = parseNginxDiscoveryLog(loop.readLog());
      expect(log.unparsedLines).toEqual([]);
      const [, grown, emptied] = log.generations;
      expect(grown).toMatchObject({ generation: 2, servers: ['10.244.1.3', '10.244.1.4', '10.244.1.9'] });
      expect(emptied).toMatchObject({ generation: 3, servers: [] });
      for (const reload of [grown?.reload, emptied?.reload]) {
        // Served: the old config's workers exited (they did not linger past the loop's bound).
        expect(reload?.servedAtMs).toBeGreaterThanOrEqual(reload?.changedAtMs ?? Number.NaN);
      }
      expect(await loop.readServers()).toBe('server 127.0.0.1:9 down;\n');
      // nginx itself took the reloads.
      expect(loop.readLog()).toMatch(/signal 1 \(SIGHUP\) received/);
    });
  },
);
