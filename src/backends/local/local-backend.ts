import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { LbbenchError, ToolMissingError } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';
import type { Scenario } from '../../scenario/types.js';
import type { Backend, ProxyDeployment, ProxyEndpoints, ProxyInfo } from '../backend.js';
import type { CommandRunner } from '../exec.js';
import { createExecaRunner } from '../exec.js';
import type { DnsServer } from './dns-server.js';
import { startDnsServer } from './dns-server.js';
import { describeLocalEnvironment } from './local-environment.js';
import type { PodFleet, PodPlan } from './local-pods.js';
import { createPodFleet, findFreePort } from './local-pods.js';
import {
  findProxyTemplate,
  getConvergenceTimeoutMs,
  renderLocalProxyConfig,
  requireFile,
  resolveProxyCommand,
} from './local-proxy.js';
import { createSeededRng } from './pod-names.js';
import type { RunningProxy } from './proxy-process.js';
import { readProxyVersion, startProxyProcess, waitForClusterHosts } from './proxy-process.js';
import type { Reaper } from './reaper.js';
import { startReaper, startWatched } from './reaper.js';
import { choosePodServer, findNginx, readNginxVersion } from './upstream-server.js';
import { throwIfAborted } from './wait.js';

/** Options of {@link createLocalBackend}. */
export interface LocalBackendOptions {
  /** The run's output folder; logs and rendered proxy configs go to `<outDir>/local/`. */
  readonly outDir: string;
  readonly progress: ProgressSink;
  /** Path of lbbench-proxy's compiled entry, `dist/proxy/src/main.js`. */
  readonly proxyEntry: string;
  /** Base seed of the proxy's `--seed` (the n-th deployment gets seed + n − 1). Pod names use the scenario's seed. */
  readonly seed: number;
  /** Runs the short commands (`nginx -v`, `<proxy> --version`); default: the execa runner. */
  readonly runCommand?: CommandRunner;
  /** Folder with the compiled `node-pod-main.js` and `reaper-main.js`; default: this module's folder. */
  readonly helperEntryDir?: string;
  /**
   * The proxy's config template; default: `proxy/envoy.yaml.tmpl` of the lbbench package for lbbench-proxy, and
   * `proxy/envoy-v3.yaml.tmpl` for a real Envoy or `proxy.command` (Envoy ≥ 1.18 rejects the v2 shape).
   */
  readonly proxyTemplatePath?: string;
}

/** The processes and facts of a backend that is up. */
interface UpState {
  readonly tempDir: string;
  readonly reaper: Reaper;
  readonly dns: DnsServer;
  readonly fleet: PodFleet;
  readonly podPort: number;
}

const SERVICE_NAME = 'myapp';
const FIRST_POD_IP = '127.0.1.1';
const DNS_TTL_SECONDS = 5;

/**
 * The local backend: each myapp pod is its own process (nginx or the built-in Node server) on its own loopback
 * address 127.0.x.y and a shared port; an embedded DNS server answers the headless Service names with the Ready
 * pods; the proxy runs as a child process pointed at that DNS server. `down` stops every process, and a reaper
 * process kills them if the harness dies first (see `reaper-main.ts`).
 */
export function createLocalBackend(scenario: Scenario, options: LocalBackendOptions): Backend {
  const moduleDir = dirname(fileURLToPath(import.meta.url));
  const helperDir = options.helperEntryDir ?? moduleDir;
  const localDir = join(options.outDir, 'local');
  const nodePodEntry = join(helperDir, 'node-pod-main.js');
  const reaperEntry = join(helperDir, 'reaper-main.js');
  const cleanups: (() => Promise<void>)[] = [];
  /** Kept after `down`, so `environment()` still describes what ran. */
  let upState: UpState | undefined;
  let isUp = false;
  let nginx: { readonly path: string; readonly version: string } | undefined;
  let proxy: RunningProxy | undefined;
  let lastProxy: ProxyInfo | undefined;
  let deployCount = 0;
  const versions = new Map<string, string>();
  const runCommand = options.runCommand ?? createExecaRunner();

  const delayedIndexes = new Set([
    ...scenario.upstream.pods.filter((pod) => pod.delayMs > 0).map((pod) => pod.index),
    ...scenario.events.flatMap((event) => (event.action === 'slow' ? [event.pod] : [])),
  ]);
  const planPod = (creationIndex: number): PodPlan => {
    const override = scenario.upstream.pods.find((pod) => pod.index === creationIndex);
    const delayMs = override?.delayMs ?? scenario.upstream.delayMs;
    const needsDelay = delayMs > 0 || delayedIndexes.has(creationIndex);
    return {
      server: choosePodServer({
        choice: scenario.upstream.server,
        hasNginx: nginx !== undefined,
        needsDelay,
      }),
      delayMs,
    };
  };
  const requireUp = (): UpState => {
    if (upState === undefined || !isUp) {
      throw new LbbenchError('LBB_INTERNAL', 'the local backend is not up: call up() first');
    }
    return upState;
  };

  const up = async (signal: AbortSignal): Promise<void> => {
    throwIfAborted(signal);
    await requireFile(reaperEntry);
    nginx = await locateNginx(scenario, runCommand, signal);
    if (nginx === undefined || delayedIndexes.size > 0 || scenario.upstream.delayMs > 0) {
      await requireFile(nodePodEntry);
    }
    await mkdir(join(localDir, 'pods'), { recursive: true });
    const tempDir = await mkdtemp(join(tmpdir(), 'lbbench-local-'));
    cleanups.push(() => rm(tempDir, { recursive: true, force: true }));
    const reaper = await startReaper(reaperEntry, join(localDir, 'reaper.log'));
    cleanups.push(() => reaper.close());
    const podPort = await findFreePort(FIRST_POD_IP);
    const dns = await startDnsServer({ host: '127.0.0.1', ttlSeconds: DNS_TTL_SECONDS });
    cleanups.push(() => dns.close());
    const fleet = createPodFleet({
      deployment: SERVICE_NAME,
      port: podPort,
      podRootDir: tempDir,
      logDir: join(localDir, 'pods'),
      nginxPath: nginx?.path,
      nodePodEntry,
      rng: createSeededRng(scenario.seed),
      reaper,
      progress: options.progress,
      planPod,
      onReadyChange: (ips) => {
        dns.setService(SERVICE_NAME, ips);
      },
    });
    cleanups.push(() => fleet.stopAll());
    upState = { tempDir, reaper, dns, fleet, podPort };
    isUp = true;
    const servers = Array.from({ length: scenario.replicas }, (_, index) => planPod(index).server);
    const counts = [
      [servers.filter((server) => server === 'nginx').length, nginx?.version ?? 'nginx'],
      [servers.filter((server) => server === 'node').length, 'node-builtin'],
    ] as const;
    const label = counts.flatMap(([count, name]) => (count > 0 ? [`${count} ${name}`] : [])).join(' + ');
    options.progress.step(`Starting ${SERVICE_NAME} pods (${label}) on 127.0.1.x:${podPort}`);
    await fleet.scale(scenario.replicas, signal);
  };

  const removeProxy = async (): Promise<void> => {
    const running = proxy;
    proxy = undefined;
    if (running !== undefined) {
      await running.stop();
      upState?.reaper.unwatch(running.pid);
    }
  };

  const deployProxy = async (
    { policy, seed }: ProxyDeployment,
    signal: AbortSignal,
  ): Promise<ProxyEndpoints> => {
    const { dns, fleet, podPort, reaper, tempDir } = requireUp();
    await removeProxy();
    const command = await resolveProxyCommand(scenario, options.proxyEntry);
    deployCount += 1;
    const base = join(localDir, `proxy-${deployCount}-${policy}`);
    const config = await renderLocalProxyConfig({
      templatePath: options.proxyTemplatePath ?? (await findProxyTemplate(moduleDir, command.isLbbenchProxy)),
      policy,
      serviceName: SERVICE_NAME,
      scenario,
      podPort,
      dnsServer: dns,
      isLbbenchProxy: command.isLbbenchProxy,
    });
    await writeFile(`${base}.yaml`, config);
    options.progress.step(`Starting the proxy with lb_policy ${policy}`);
    const running = await startWatched(reaper, (onSpawn) =>
      startProxyProcess(
        {
          command: command.argv,
          isLbbenchProxy: command.isLbbenchProxy,
          configPath: `${base}.yaml`,
          adminAddressPath: join(tempDir, `admin-address-${deployCount}`),
          dnsServer: dns,
          concurrency: scenario.proxy.concurrency,
          seed: seed >>> 0,
          logPath: `${base}.log`,
        },
        signal,
        onSpawn,
      ),
    );
    proxy = running;
    const expected = fleet.readyIps().map((ip) => `${ip}:${podPort}`);
    await waitForClusterHosts(running, expected, {
      timeoutMs: getConvergenceTimeoutMs(scenario, DNS_TTL_SECONDS),
      signal,
    });
    const versionKey = command.argv.join('\0');
    const version = versions.get(versionKey) ?? (await readProxyVersion(command.argv, runCommand, signal));
    versions.set(versionKey, version);
    const info: ProxyInfo = {
      kind: command.kind,
      version,
      command: running.commandLine,
      isSeeded: command.isLbbenchProxy,
    };
    lastProxy = info;
    return { trafficUrl: running.trafficUrl, adminUrl: running.adminUrl, proxy: info };
  };

  const down = async (): Promise<void> => {
    const steps = [removeProxy, ...cleanups.splice(0).reverse()];
    isUp = false;
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        options.progress.warn(
          `local backend cleanup: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  };

  return {
    kind: 'local',
    up,
    // The full reset (delays, killed pods) is the comparable-runs branch's; this keeps the replica count.
    reset: async (signal) => {
      await requireUp().fleet.scale(scenario.replicas, signal);
    },
    deployProxy,
    pods: (signal) =>
      Promise.resolve().then(() => {
        throwIfAborted(signal);
        return requireUp().fleet.list();
      }),
    scale: async (replicas, signal) => {
      options.progress.step(`Scaling ${SERVICE_NAME} to ${replicas} pods`);
      await requireUp().fleet.scale(replicas, signal);
    },
    kill: async (podName, signal) => {
      throwIfAborted(signal);
      await requireUp().fleet.kill(podName);
    },
    slow: async (podName, delayMs, signal) => {
      await requireUp().fleet.slow(podName, delayMs, signal);
    },
    removeProxy,
    down,
    environment: () =>
      describeLocalEnvironment({
        choice: scenario.upstream.server,
        nginxVersion: nginx?.version,
        usedServers: upState?.fleet.usedServers() ?? new Set(),
        nodePodNames: upState?.fleet.nodePodNames() ?? [],
        podPort: upState?.podPort,
        dnsServer: upState === undefined ? undefined : `${upState.dns.host}:${upState.dns.port}`,
        dnsTtlSeconds: DNS_TTL_SECONDS,
        serviceName: SERVICE_NAME,
        lastProxy,
        nodeVersion: process.version,
      }),
  };
}

async function locateNginx(
  scenario: Scenario,
  runCommand: CommandRunner,
  signal: AbortSignal,
): Promise<{ path: string; version: string } | undefined> {
  if (scenario.upstream.server === 'node') {
    return undefined;
  }
  const path = await findNginx();
  if (path === undefined) {
    if (scenario.upstream.server === 'nginx') {
      throw new ToolMissingError(
        'nginx',
        'Install nginx (e.g. `apt-get install nginx`) or set upstream.server: node.',
      );
    }
    return undefined;
  }
  return { path, version: await readNginxVersion(path, runCommand, signal) };
}
