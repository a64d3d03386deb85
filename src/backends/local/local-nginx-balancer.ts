import { mkdir, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';

import { ProxyError } from '../../errors.js';
import { done, notYet, waitFor } from '../../run/wait.js';
import type { NginxBalancerConfigInput } from '../other-proxies/nginx-balancer-config.js';
import { renderNginxBalancerConfig } from '../other-proxies/nginx-balancer-config.js';
import type { ConfigReload } from '../../results/types.js';
import type { RunningBalancer } from './balancer-process.js';
import { startBalancerProcess } from './balancer-process.js';
import type { ManagedChild } from './child-process.js';
import { isProcessAlive, listChildPids } from './child-pids.js';

/** What starting an nginx row on loopback needs; `servers` and `generation` of the config are set by the class. */
export interface LocalNginxBalancerOptions {
  readonly row: string;
  /** Path of the `nginx` program. */
  readonly program: string;
  /** `<base>.conf` and `<base>.log` are written in the run folder, the pid file and temp paths in `<base>.d/`. */
  readonly basePath: string;
  readonly config: Omit<NginxBalancerConfigInput, 'servers' | 'generation' | 'runDir' | 'errorLog'>;
}

const RELOAD_TIMEOUT_MS = 10_000;
const POLL_MS = 10;
const NEW_CONFIG_IN_A_ROW = 3;

/**
 * An nginx row on loopback. nginx OSS resolves an upstream server's name once, when it loads its config, so the
 * upstream lists the Ready pods' addresses and {@link LocalNginxBalancer.updateServers} rewrites it and reloads
 * nginx (SIGHUP to the master's pid, as `nginx -s reload` does). A reload is done when the workers of the old config
 * have exited and three new connections in a row to the traffic port get the new config's generation; its lag is
 * recorded.
 */
export class LocalNginxBalancer {
  readonly #options: LocalNginxBalancerOptions;
  readonly #now: () => number;
  readonly #configPath: string;
  readonly #runDir: string;
  readonly #reloads: ConfigReload[] = [];
  #generation = 0;
  #managed: ManagedChild | undefined;
  #running: RunningBalancer | undefined;
  /** Reloads run one at a time, each with the newest server list. */
  #queue: Promise<void> = Promise.resolve();

  /** `now` is wall-clock ms (`Date.now`): reloads record when the pods changed as a date. */
  constructor(options: LocalNginxBalancerOptions, now: () => number) {
    this.#options = options;
    this.#now = now;
    this.#configPath = `${options.basePath}.conf`;
    this.#runDir = `${options.basePath}.d`;
  }

  /** The running process; undefined before {@link start}. */
  get running(): RunningBalancer | undefined {
    return this.#running;
  }

  /** Every reload since start, in order. */
  get reloads(): readonly ConfigReload[] {
    return [...this.#reloads];
  }

  /**
   * Writes the config for `servers` and starts nginx in the foreground (master and workers), ready once it serves
   * the first generation.
   * @throws see {@link startBalancerProcess}.
   */
  async start(
    servers: readonly string[],
    signal: AbortSignal,
    onSpawn?: (pid: number) => void,
  ): Promise<RunningBalancer> {
    await mkdir(this.#runDir, { recursive: true });
    await this.#writeConfig(servers);
    const { running, managed } = await startBalancerProcess(
      {
        row: this.#options.row,
        debianPackage: 'nginx',
        file: this.#options.program,
        args: [
          '-p',
          this.#runDir,
          '-c',
          this.#configPath,
          '-e',
          join(this.#runDir, 'error.log'),
          '-g',
          'daemon off;',
        ],
        logPath: `${this.#options.basePath}.log`,
        traffic: this.#options.config.listen,
        isReady: async () => (await this.#readGeneration()) === this.#generation,
      },
      signal,
      onSpawn,
    );
    this.#managed = managed;
    this.#running = running;
    return running;
  }

  /**
   * Regenerates the upstream with `servers` and reloads nginx; resolves once the new config serves, and records the
   * lag from `changedAtMs`. Calls queue behind each other.
   * @throws ProxyError when nginx is not running or the reload does not take effect in time.
   */
  updateServers(servers: readonly string[], changedAtMs: number, signal: AbortSignal): Promise<void> {
    const update = this.#queue.then(() => this.#reload(servers, changedAtMs, signal));
    this.#queue = update.catch(() => undefined);
    return update;
  }

  async stop(): Promise<void> {
    await this.#running?.stop();
  }

  async #reload(servers: readonly string[], changedAtMs: number, signal: AbortSignal): Promise<void> {
    const managed = this.#managed;
    if (managed === undefined || managed.hasExited()) {
      throw new ProxyError(`row ${this.#options.row}: nginx is not running, so it cannot be reloaded`);
    }
    await this.#writeConfig(servers);
    // Until the master has signalled them to quit, the old config's workers still accept new connections on the
    // shared listening socket, so the reload is done only once they are gone.
    const oldWorkers = managed.child.pid === undefined ? [] : await listChildPids(managed.child.pid);
    managed.child.kill('SIGHUP');
    const generation = this.#generation;
    let inARow = 0;
    await waitFor(
      async () => {
        const served = await this.#readGeneration();
        inARow = served === generation ? inARow + 1 : 0;
        const left = oldWorkers.filter(isProcessAlive).length;
        if (left > 0) return notYet(`${left} worker(s) of the old config still running`);
        return inARow >= NEW_CONFIG_IN_A_ROW ? done(true) : notYet(`serves generation ${String(served)}`);
      },
      {
        what: `nginx (row ${this.#options.row}) to serve config generation ${generation} after a reload`,
        timeoutMs: RELOAD_TIMEOUT_MS,
        intervalMs: POLL_MS,
        signal,
        hint: `Check ${join(this.#runDir, 'error.log')}.`,
      },
    );
    this.#reloads.push({
      changedAt: new Date(changedAtMs).toISOString(),
      servers: servers.length,
      lagMs: Math.round(this.#now() - changedAtMs),
    });
  }

  async #writeConfig(servers: readonly string[]): Promise<void> {
    this.#generation += 1;
    const text = renderNginxBalancerConfig({
      ...this.#options.config,
      servers,
      generation: this.#generation,
      runDir: this.#runDir,
      errorLog: join(this.#runDir, 'error.log'),
    });
    await writeFile(this.#configPath, text);
  }

  /** The generation the traffic port answers on a new connection, or undefined when it does not answer. */
  #readGeneration(): Promise<number | undefined> {
    const { host, port } = this.#options.config.listen;
    return new Promise((resolve) => {
      const request = get(
        { host, port, path: '/lbbench-generation', agent: false, timeout: 1_000 },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => {
            resolve(response.statusCode === 200 ? Number.parseInt(body, 10) : undefined);
          });
        },
      );
      request.on('timeout', () => request.destroy());
      request.on('error', () => {
        resolve(undefined);
      });
    });
  }
}
