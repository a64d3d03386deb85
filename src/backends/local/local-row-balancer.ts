import type { ProgressSink } from '../../progress.js';
import type { OtherProxyRow } from '../../scenario/proxy-rows.js';
import type { Scenario } from '../../scenario/types.js';
import type { ProxyEndpoints } from '../backend.js';
import type { CommandRunner } from '../exec.js';
import {
  CONNECT_TIMEOUT_MS,
  countServerSlots,
  describeHaproxyDiscovery,
  IDLE_TIMEOUT_MS,
  NGINX_DISCOVERY,
  RESPONSE_TIMEOUT_MS,
} from '../other-proxies/row-settings.js';
import { createMissingProgramError } from './balancer-process.js';
import { findProgram } from './find-program.js';
import { findFreePort } from './free-port.js';
import { startLocalHaproxy } from './local-haproxy.js';
import { LocalNginxBalancer } from './local-nginx-balancer.js';
import { readNginxVersion } from './upstream-server.js';
import { addTimeout } from '../../run/abort.js';

/** A HAProxy or nginx row running on loopback, fed the Ready pods' changes. */
export interface LocalRowBalancer {
  readonly pid: number;
  readonly endpoints: ProxyEndpoints;
  /** The Ready pods changed (the fleet's endpoints-controller callback). */
  onReadyChange(readyIps: readonly string[]): void;
  stop(): Promise<void>;
}

/** What starting a row's balancer needs from the local backend. */
export interface LocalRowBalancerOptions {
  readonly row: OtherProxyRow;
  readonly scenario: Scenario;
  readonly serviceName: string;
  readonly podPort: number;
  readonly dns: { readonly host: string; readonly port: number };
  readonly readyIps: readonly string[];
  /** Config and log paths start with it (`<basePath>.cfg`, `<basePath>.log`). */
  readonly basePath: string;
  readonly runCommand: CommandRunner;
  readonly progress: ProgressSink;
  readonly signal: AbortSignal;
  readonly onSpawn: (pid: number) => void;
}

const LOOPBACK = '127.0.0.1';
const VERSION_TIMEOUT_MS = 5_000;

/**
 * Starts Debian's `haproxy` or `nginx` for a row, configured from the scenario like the bundled proxy (its
 * `dns_refresh_rate`, `concurrency` as threads/workers, the templates' timeouts and `Host` rewrite).
 * @throws ToolMissingError naming the row and the package when the program is not installed; ProxyError when it
 * does not start.
 */
export async function startLocalRowBalancer(options: LocalRowBalancerOptions): Promise<LocalRowBalancer> {
  const program = await findProgram(options.row.proxy);
  if (program === undefined) {
    throw createMissingProgramError(options.row.name, options.row.proxy, options.row.proxy);
  }
  return options.row.proxy === 'haproxy'
    ? startHaproxyRow(options, options.row.policy, program)
    : startNginxRow(options, options.row.policy, program);
}

async function startHaproxyRow(
  options: LocalRowBalancerOptions,
  policy: Extract<OtherProxyRow, { proxy: 'haproxy' }>['policy'],
  program: string,
): Promise<LocalRowBalancer> {
  const { scenario } = options;
  const haproxy = await startLocalHaproxy(
    {
      row: options.row.name,
      program,
      basePath: options.basePath,
      config: {
        policy,
        listen: { host: LOOPBACK, port: await findFreePort(LOOPBACK) },
        stats: { host: LOOPBACK, port: await findFreePort(LOOPBACK) },
        serviceName: `${options.serviceName}.default.svc.cluster.local`,
        podPort: options.podPort,
        hostHeader: options.serviceName,
        resolvers: { kind: 'nameserver', host: options.dns.host, port: options.dns.port },
        slots: countServerSlots(scenario),
        dnsRefreshRateMs: scenario.proxy.dnsRefreshRateMs,
        threads: scenario.proxy.concurrency,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        responseTimeoutMs: RESPONSE_TIMEOUT_MS,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
      },
    },
    options.signal,
    options.onSpawn,
  );
  const version = await readVersion(program, ['-v'], /HAProxy version (\S+)/, options);
  return {
    pid: haproxy.pid,
    endpoints: {
      trafficUrl: haproxy.trafficUrl,
      counters: { kind: 'haproxy-stats', statsUrl: haproxy.statsUrl },
      proxy: {
        kind: 'haproxy',
        version: `haproxy/${version}`,
        command: haproxy.commandLine,
        isSeeded: false,
        podDiscovery: describeHaproxyDiscovery(scenario.proxy.dnsRefreshRateMs),
      },
    },
    onReadyChange: () => undefined,
    stop: () => haproxy.stop(),
  };
}

async function startNginxRow(
  options: LocalRowBalancerOptions,
  policy: Extract<OtherProxyRow, { proxy: 'nginx' }>['policy'],
  program: string,
): Promise<LocalRowBalancer> {
  const toServers = (ips: readonly string[]): string[] => ips.map((ip) => `${ip}:${options.podPort}`);
  const nginx = new LocalNginxBalancer(
    {
      row: options.row.name,
      program,
      basePath: options.basePath,
      config: {
        policy,
        listen: { host: LOOPBACK, port: await findFreePort(LOOPBACK) },
        status: { host: LOOPBACK, port: await findFreePort(LOOPBACK) },
        hostHeader: options.serviceName,
        workers: options.scenario.proxy.concurrency,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        responseTimeoutMs: RESPONSE_TIMEOUT_MS,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
      },
    },
    Date.now,
  );
  const running = await nginx.start(toServers(options.readyIps), options.signal, options.onSpawn);
  const version = await readNginxVersion(program, options.runCommand, options.signal);
  return {
    pid: running.pid,
    endpoints: {
      trafficUrl: running.trafficUrl,
      counters: { kind: 'client-tally' },
      proxy: {
        kind: 'nginx',
        version,
        command: running.commandLine,
        isSeeded: false,
        podDiscovery: NGINX_DISCOVERY,
      },
      configReloads: () => Promise.resolve(nginx.reloads),
    },
    onReadyChange: (readyIps) => {
      nginx.updateServers(toServers(readyIps), Date.now(), options.signal).catch((error: unknown) => {
        options.progress.warn(
          `row ${options.row.name}: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    },
    stop: () => nginx.stop(),
  };
}

async function readVersion(
  program: string,
  args: readonly string[],
  pattern: RegExp,
  options: LocalRowBalancerOptions,
): Promise<string> {
  const result = await options
    .runCommand(program, args, { signal: addTimeout(options.signal, VERSION_TIMEOUT_MS) })
    .catch(() => undefined);
  return pattern.exec(`${result?.stdout ?? ''}\n${result?.stderr ?? ''}`)?.[1] ?? 'unknown';
}
