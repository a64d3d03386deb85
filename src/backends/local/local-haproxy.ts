import { writeFile } from 'node:fs/promises';

import { renderHaproxyConfig } from '../other-proxies/haproxy-config.js';
import type { HaproxyConfigInput } from '../other-proxies/haproxy-config.js';
import type { RunningBalancer } from './balancer-process.js';
import { startBalancerProcess } from './balancer-process.js';

/** What starting a HAProxy row on loopback needs. */
export interface LocalHaproxyOptions {
  readonly row: string;
  /** Path of the `haproxy` program. */
  readonly program: string;
  /** `<base>.cfg` and `<base>.log` are written in the run folder. */
  readonly basePath: string;
  readonly config: HaproxyConfigInput;
}

/** A running HAProxy row and where its stats page is. */
export interface LocalHaproxy extends RunningBalancer {
  /** e.g. `http://127.0.0.1:40123/stats`; the CSV is at `<statsUrl>;csv`. */
  readonly statsUrl: string;
}

/**
 * Writes the row's haproxy.cfg and starts `haproxy -db -f <cfg>` (foreground, so its pid is the process to stop),
 * ready once its traffic port accepts connections and its stats page answers.
 * @throws see {@link startBalancerProcess}.
 */
export async function startLocalHaproxy(
  options: LocalHaproxyOptions,
  signal: AbortSignal,
  onSpawn?: (pid: number) => void,
): Promise<LocalHaproxy> {
  const configPath = `${options.basePath}.cfg`;
  await writeFile(configPath, renderHaproxyConfig(options.config));
  const statsUrl = `http://${options.config.stats.host}:${options.config.stats.port}/stats`;
  const { running } = await startBalancerProcess(
    {
      row: options.row,
      debianPackage: 'haproxy',
      file: options.program,
      args: ['-db', '-f', configPath],
      logPath: `${options.basePath}.log`,
      traffic: options.config.listen,
      isReady: async () => {
        const response = await fetch(`${statsUrl};csv`).catch(() => undefined);
        await response?.body?.cancel();
        return response?.status === 200;
      },
    },
    signal,
    onSpawn,
  );
  return { ...running, statsUrl };
}
