import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { resolveProxyMain } from 'lbbench-proxy';

/** Path of the built proxy program. */
export const PROXY_MAIN = resolveProxyMain();

/** A proxy process started for a test. */
export interface ProxyUnderTest {
  readonly child: ChildProcess;
  readonly adminUrl: string;
  readonly trafficUrl: string;
  readonly trafficPort: number;
  /** Everything the proxy wrote to stderr so far. */
  log(): string;
  /** Stops it with SIGTERM and returns its exit code. */
  stop(): Promise<number | null>;
}

/** Options of {@link startProxyUnderTest}. */
export interface ProxyUnderTestOptions {
  readonly configText: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly dnsServer?: string;
  readonly concurrency?: number;
  readonly seed?: number;
  readonly extraArgs?: readonly string[];
}

/** Starts the built proxy program with a config text; waits for its admin address and its listener. */
export async function startProxyUnderTest(options: ProxyUnderTestOptions): Promise<ProxyUnderTest> {
  const directory = await mkdtemp(join(tmpdir(), 'lbb-proxy-'));
  const configPath = join(directory, 'envoy.yaml');
  const addressPath = join(directory, 'admin-address');
  await writeFile(configPath, options.configText);
  const args = [PROXY_MAIN, '-c', configPath, '--admin-address-path', addressPath, '--log-level', 'info'];
  if (options.dnsServer !== undefined) args.push('--dns-server', options.dnsServer);
  args.push('--concurrency', String(options.concurrency ?? 1), '--seed', String(options.seed ?? 1));
  args.push(...(options.extraArgs ?? []));
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const code = await exited;
    await rm(directory, { recursive: true, force: true });
    return code;
  };
  try {
    const adminAddress = await waitForFile(addressPath, child, () => stderr);
    const adminUrl = `http://${adminAddress}`;
    const listeners = (await (await fetch(`${adminUrl}/listeners?format=json`)).json()) as {
      listener_statuses: { local_address: { socket_address: { address: string; port_value: number } } }[];
    };
    const socket = listeners.listener_statuses[0]?.local_address.socket_address;
    if (socket === undefined) throw new Error('proxy has no listener');
    return {
      child,
      adminUrl,
      trafficUrl: `http://${socket.address}:${socket.port_value}`,
      trafficPort: socket.port_value,
      log: () => stderr,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForFile(path: string, child: ChildProcess, log: () => string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`proxy exited with ${child.exitCode}:\n${log()}`);
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.trim() !== '') return text.trim();
    await delay(25);
  }
  throw new Error(`proxy did not write its admin address:\n${log()}`);
}

/** The seed scenario's v2 config with loopback addresses and free ports; the cluster points at `service`. */
export function renderTestConfig(options: {
  readonly policy: string;
  readonly service: string;
  readonly port: number;
  readonly clusterType?: string;
  readonly dnsRefreshRate?: string;
  readonly routeTimeout?: string;
  readonly routeExtra?: string;
  readonly clusterExtra?: string;
}): string {
  return `admin:
  access_log_path: /dev/null
  address:
    socket_address: { address: 127.0.0.1, port_value: 0 }
static_resources:
  listeners:
  - name: listener_0
    address:
      socket_address: { address: 127.0.0.1, port_value: 0 }
    filter_chains:
    - filters:
      - name: envoy.http_connection_manager
        config:
          stat_prefix: ingress_http
          route_config:
            name: local_route
            virtual_hosts:
            - name: local_service
              domains: ["*"]
              routes:
              - match: { prefix: "/" }
                route: { host_rewrite: myapp, cluster: myapp_cluster, timeout: ${options.routeTimeout ?? '60s'}${options.routeExtra ?? ''} }
          http_filters:
          - name: envoy.router
  clusters:
  - name: myapp_cluster
    connect_timeout: 0.25s
    type: ${options.clusterType ?? 'STRICT_DNS'}
    dns_lookup_family: V4_ONLY
    dns_refresh_rate: ${options.dnsRefreshRate ?? '5s'}
    lb_policy: ${options.policy}${options.clusterExtra ?? ''}
    hosts: [{ socket_address: { address: ${options.service}, port_value: ${options.port} }}]
`;
}
