import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { BackendNotUpError } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';
import { throwIfAborted } from '../../run/abort.js';
import type { EnvoyPolicyEntry, PodFault, Scenario } from '../../scenario/types.js';
import type {
  Backend,
  BackendEnvironment,
  Pod,
  ProxyDeployment,
  ProxyEndpoints,
  ProxyInfo,
} from '../backend.js';
import type { CommandRunner } from '../exec.js';
import { createExecaRunner } from '../exec.js';
import type { DnsServer } from './dns-server.js';
import { startDnsServer } from './dns-server.js';
import { findFreePort } from './free-port.js';
import { describeLocalEnvironment } from './local-environment.js';
import {
  findProxyTemplate,
  renderLocalProxyConfig,
  requireFile,
  resolveProxyCommand,
} from './local-proxy.js';
import { PodFleet } from './pod-fleet.js';
import { needsDelayedPods, PodPlanner } from './pod-planner.js';
import { createSeededRng } from '../../stats/seeded-rng.js';
import type { LocalBalancer } from './local-balancer.js';
import { startClusterIpBalancer } from './cluster-ip-balancer.js';
import { startLocalRowBalancer } from './local-row-balancer.js';
import type { OtherProxyRow } from '../../scenario/proxy-rows.js';
import { readProxyVersion, startProxyProcess } from './proxy-process.js';
import type { Reaper } from './reaper.js';
import { startReaper, startWatched } from './reaper.js';
import { locateNginx } from './upstream-server.js';
import { resolveProxyTemplatePath } from '../../scenario/proxy-template.js';

/** Options of {@link createLocalBackend}. */
export interface LocalBackendOptions {
  /** The run's output folder; logs and rendered proxy configs go to `<outDir>/local/`. */
  readonly outDir: string;
  readonly progress: ProgressSink;
  /** Path of lbbench-proxy's compiled program, from the proxy package's `resolveProxyMain()`. */
  readonly proxyEntry: string;
  /** Runs the short commands (`nginx -v`, `<proxy> --version`); default: the execa runner. */
  readonly runCommand?: CommandRunner;
  /** Folder with the compiled `node-pod-main.js` and `reaper-main.js`; default: this module's folder. */
  readonly helperEntryDir?: string;
  /**
   * The proxy's config template; default: `proxy/envoy.yaml.tmpl` of the lbbench package for lbbench-proxy, and
   * `proxy/envoy-v3.yaml.tmpl` for a real Envoy or `proxy.command` (Envoy ≥ 1.18 rejects the v2 shape).
   */
  readonly proxyTemplatePath?: string;
  /** The port every pod listens on, as a container port is fixed; default: a port free on the first pod's address. */
  readonly podPort?: number;
}

/** The processes and facts of a backend that went up; kept after `down` so `environment()` still describes them. */
interface UpState {
  readonly tempDir: string;
  readonly reaper: Reaper;
  readonly dns: DnsServer;
  readonly fleet: PodFleet;
  readonly podPort: number;
}

/** Where the backend is in its life; only `up` has pods and, between deploy and removal, a proxy. */
type LocalBackendState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'starting' }
  | { readonly phase: 'up'; readonly up: UpState; readonly balancer: LocalBalancer | undefined }
  | { readonly phase: 'down' };

const SERVICE_NAME = 'myapp';
const FIRST_POD_IP = '127.0.1.1';
const DNS_TTL_SECONDS = 5;

/**
 * The local backend: each myapp pod is its own process (nginx or the built-in Node server) on its own loopback
 * address 127.0.x.y and a shared port; an embedded DNS server answers the headless Service names with the Ready
 * pods; the proxy runs as a child process pointed at that DNS server. `down` stops every process, and a reaper
 * process kills them if the harness dies first (see `reaper-main.ts`).
 */
export class LocalBackend implements Backend {
  readonly kind = 'local';
  readonly #scenario: Scenario;
  readonly #options: LocalBackendOptions;
  readonly #moduleDir = dirname(fileURLToPath(import.meta.url));
  readonly #localDir: string;
  readonly #nodePodEntry: string;
  readonly #reaperEntry: string;
  readonly #runCommand: CommandRunner;
  /** What `down` undoes, in the order it was set up. */
  readonly #cleanups: (() => Promise<void>)[] = [];
  /** Proxy versions by command line: `--version` runs once per program. */
  readonly #versions = new Map<string, string>();
  #state: LocalBackendState = { phase: 'idle' };
  #lastUp: UpState | undefined;
  #lastProxy: ProxyInfo | undefined;
  #nginx: { readonly path: string; readonly version: string } | undefined;
  #deployCount = 0;

  constructor(scenario: Scenario, options: LocalBackendOptions) {
    this.#scenario = scenario;
    this.#options = options;
    const helperDir = options.helperEntryDir ?? this.#moduleDir;
    this.#localDir = join(options.outDir, 'local');
    this.#nodePodEntry = join(helperDir, 'node-pod-main.js');
    this.#reaperEntry = join(helperDir, 'reaper-main.js');
    this.#runCommand = options.runCommand ?? createExecaRunner();
  }

  async up(signal: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    this.#state = { phase: 'starting' };
    await requireFile(this.#reaperEntry);
    this.#nginx = await locateNginx(this.#scenario, this.#runCommand, signal);
    if (this.#nginx === undefined || needsDelayedPods(this.#scenario)) {
      await requireFile(this.#nodePodEntry);
    }
    const planner = new PodPlanner(this.#scenario, this.#nginx?.version);
    const up = await this.#startInfrastructure(planner);
    this.#lastUp = up;
    this.#state = { phase: 'up', up, balancer: undefined };
    this.#options.progress.step(
      `Starting ${SERVICE_NAME} pods (${planner.describeInitialPods()}) on 127.0.1.x:${up.podPort}`,
    );
    const nodeReasons = planner.describeNodeReasons();
    if (nodeReasons !== undefined) this.#options.progress.step(nodeReasons);
    await up.fleet.scale(this.#scenario.replicas, signal);
  }

  async reset(signal: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    await this.#requireUp().up.fleet.reset(this.#scenario.replicas, signal);
  }

  async deployProxy(deployment: ProxyDeployment, signal: AbortSignal): Promise<ProxyEndpoints> {
    const { fleet } = this.#requireUp().up;
    await this.removeProxy();
    this.#deployCount += 1;
    const { row, seed } = deployment;
    let balancer: LocalBalancer;
    switch (row.proxy) {
      case 'envoy':
        balancer = await this.#startEnvoyStyleProxy({ row, seed }, signal);
        break;
      case 'cluster-ip':
        this.#options.progress.step('Starting the CLUSTER_IP emulation (a random Ready pod per connection)');
        balancer = await startClusterIpBalancer({ listPods: () => fleet.list(), seed });
        break;
      case 'haproxy':
      case 'nginx':
        balancer = await this.#startRowBalancer(row, signal);
        break;
    }
    this.#setBalancer(balancer);
    this.#lastProxy = balancer.endpoints.proxy;
    return balancer.endpoints;
  }

  /** The bundled proxy or a real Envoy as a child process, pointed at the embedded DNS server. */
  async #startEnvoyStyleProxy(
    deployment: { readonly row: EnvoyPolicyEntry; readonly seed: number },
    signal: AbortSignal,
  ): Promise<LocalBalancer> {
    const { dns, podPort, reaper, tempDir } = this.#requireUp().up;
    const { row, seed } = deployment;
    const command = await resolveProxyCommand(this.#scenario, this.#options.proxyEntry);
    const base = join(this.#localDir, `proxy-${this.#deployCount}-${row.name}`);
    const config = await renderLocalProxyConfig({
      templatePath:
        this.#options.proxyTemplatePath ??
        resolveProxyTemplatePath(this.#scenario) ??
        (await findProxyTemplate(this.#moduleDir, command.isLbbenchProxy)),
      row,
      serviceName: SERVICE_NAME,
      scenario: this.#scenario,
      podPort,
      dnsServer: dns,
      isLbbenchProxy: command.isLbbenchProxy,
    });
    await writeFile(`${base}.yaml`, config);
    this.#options.progress.step(`Starting the proxy for row ${row.name} (lb_policy ${row.policy})`);
    const running = await startWatched(reaper, (onSpawn) =>
      startProxyProcess(
        {
          command: command.argv,
          isLbbenchProxy: command.isLbbenchProxy,
          configPath: `${base}.yaml`,
          adminAddressPath: join(tempDir, `admin-address-${this.#deployCount}`),
          dnsServer: dns,
          concurrency: this.#scenario.proxy.concurrency,
          seed: seed >>> 0,
          logPath: `${base}.log`,
        },
        signal,
        onSpawn,
      ),
    );
    const stop = async (): Promise<void> => {
      await running.stop();
      reaper.unwatch(running.pid);
    };
    // A proxy whose version cannot be read is stopped, not left running unowned.
    const version = await this.#readVersion(command.argv, signal).catch(async (error: unknown) => {
      await stop().catch(() => undefined);
      throw error;
    });
    const proxy = {
      kind: command.kind,
      version,
      command: running.commandLine,
      isSeeded: command.isLbbenchProxy,
    };
    const endpoints: ProxyEndpoints = {
      trafficUrl: running.trafficUrl,
      counters: { kind: 'envoy-clusters', adminUrl: running.adminUrl },
      proxy,
    };
    return { endpoints, stop };
  }

  /**
   * Debian's `haproxy` or `nginx` for a row, as a child process with its config and log in the run folder: HAProxy
   * resolves the embedded DNS server's answer; nginx is given the Ready pods and reloaded when they change.
   */
  async #startRowBalancer(row: OtherProxyRow, signal: AbortSignal): Promise<LocalBalancer> {
    const { dns, podPort, reaper, fleet } = this.#requireUp().up;
    this.#options.progress.step(`Starting ${row.proxy} for row ${row.name}`);
    const balancer = await startWatched(reaper, (onSpawn) =>
      startLocalRowBalancer({
        row,
        scenario: this.#scenario,
        serviceName: SERVICE_NAME,
        podPort,
        dns,
        readyIps: fleet.readyIps(),
        basePath: join(this.#localDir, `${row.proxy}-${this.#deployCount}-${row.policy}`),
        runCommand: this.#runCommand,
        progress: this.#options.progress,
        signal,
        onSpawn,
      }),
    );
    return {
      endpoints: balancer.endpoints,
      onReadyChange: (ips) => {
        balancer.onReadyChange(ips);
      },
      stop: async () => {
        await balancer.stop();
        reaper.unwatch(balancer.pid);
      },
    };
  }

  pods(signal: AbortSignal): Promise<readonly Pod[]> {
    return Promise.resolve().then(() => {
      throwIfAborted(signal);
      return this.#requireUp().up.fleet.list();
    });
  }

  async scale(replicas: number, signal: AbortSignal): Promise<void> {
    const { fleet } = this.#requireUp().up;
    this.#options.progress.step(`Scaling ${SERVICE_NAME} to ${replicas} pods`);
    await fleet.scale(replicas, signal);
  }

  async kill(podName: string, signal: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    await this.#requireUp().up.fleet.kill(podName);
  }

  async slow(podName: string, delayMs: number, signal: AbortSignal): Promise<void> {
    await this.#requireUp().up.fleet.slow(podName, delayMs, signal);
  }

  async setFault(podName: string, fault: PodFault, signal: AbortSignal): Promise<void> {
    await this.#requireUp().up.fleet.setFault(podName, fault, signal);
  }

  async removeProxy(): Promise<void> {
    if (this.#state.phase !== 'up' || this.#state.balancer === undefined) return;
    const { balancer } = this.#state;
    this.#setBalancer(undefined);
    await balancer.stop();
  }

  async down(): Promise<void> {
    const balancer = this.#state.phase === 'up' ? this.#state.balancer : undefined;
    this.#state = { phase: 'down' };
    const stopProxy = async (): Promise<void> => {
      await balancer?.stop();
    };
    for (const step of [stopProxy, ...this.#cleanups.splice(0).reverse()]) {
      try {
        await step();
      } catch (error) {
        this.#options.progress.warn(
          `local backend cleanup: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  environment(): BackendEnvironment {
    const up = this.#lastUp;
    return describeLocalEnvironment({
      choice: this.#scenario.upstream.server,
      nginxVersion: this.#nginx?.version,
      usedServers: up?.fleet.usedServers() ?? new Set(),
      nodePodNames: up?.fleet.nodePodNames() ?? [],
      podPort: up?.podPort,
      dnsServer: up === undefined ? undefined : `${up.dns.host}:${up.dns.port}`,
      dnsTtlSeconds: DNS_TTL_SECONDS,
      serviceName: SERVICE_NAME,
      lastProxy: this.#lastProxy,
      nodeVersion: process.version,
    });
  }

  /** The reaper, the DNS server and an empty fleet, each registered for `down` as soon as it exists. */
  async #startInfrastructure(planner: PodPlanner): Promise<UpState> {
    await mkdir(join(this.#localDir, 'pods'), { recursive: true });
    const tempDir = await mkdtemp(join(tmpdir(), 'lbbench-local-'));
    this.#cleanups.push(() => rm(tempDir, { recursive: true, force: true }));
    const reaper = await startReaper(this.#reaperEntry, join(this.#localDir, 'reaper.log'));
    this.#cleanups.push(() => reaper.close());
    const podPort = this.#options.podPort ?? (await findFreePort(FIRST_POD_IP));
    const dns = await startDnsServer({ host: '127.0.0.1', ttlSeconds: DNS_TTL_SECONDS });
    this.#cleanups.push(() => dns.close());
    const fleet = new PodFleet({
      deployment: SERVICE_NAME,
      port: podPort,
      podRootDir: tempDir,
      logDir: join(this.#localDir, 'pods'),
      nginxPath: this.#nginx?.path,
      nodePodEntry: this.#nodePodEntry,
      rng: createSeededRng(this.#scenario.seed),
      reaper,
      progress: this.#options.progress,
      planPod: (slot) => planner.plan(slot),
      onReadyChange: (ips) => {
        dns.setService(SERVICE_NAME, ips);
        if (this.#state.phase === 'up') this.#state.balancer?.onReadyChange?.(ips);
      },
    });
    this.#cleanups.push(() => fleet.stopAll());
    return { tempDir, reaper, dns, fleet, podPort };
  }

  async #readVersion(argv: readonly string[], signal: AbortSignal): Promise<string> {
    const key = argv.join('\0');
    const version = this.#versions.get(key) ?? (await readProxyVersion(argv, this.#runCommand, signal));
    this.#versions.set(key, version);
    return version;
  }

  #setBalancer(balancer: LocalBalancer | undefined): void {
    if (this.#state.phase === 'up') this.#state = { ...this.#state, balancer };
  }

  /** @throws BackendNotUpError before `up` and after `down`. */
  #requireUp(): Extract<LocalBackendState, { phase: 'up' }> {
    if (this.#state.phase !== 'up') throw new BackendNotUpError('local');
    return this.#state;
  }
}

/** Creates the local backend for `scenario`; nothing starts before `up`. */
export function createLocalBackend(scenario: Scenario, options: LocalBackendOptions): Backend {
  return new LocalBackend(scenario, options);
}
