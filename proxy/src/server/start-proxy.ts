import { EventEmitter } from 'node:events';
import { rename, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminServer } from '../admin/admin-server.js';
import { formatHostAddress } from '../admin/host-address.js';
import type { AdminSnapshot, ServerState } from '../admin/snapshot.js';
import { createSystemDiscoveryDeps, startDiscovery } from '../discovery/discovery.js';
import { createDnsResolver } from '../discovery/resolve.js';
import type { Resolve } from '../discovery/resolve.js';
import type { Discovery } from '../discovery/types.js';
import { OutlierCounters } from '../health/outlier-counters.js';
import { createRng, deriveSeed } from '../lb/rng.js';
import type { Logger } from '../log.js';
import { allocateStatsBuffers, openStatsReader } from '../stats/shared-stats.js';
import { CLUSTER_COUNTERS, createStatsLayout } from '../stats/stats-layout.js';
import { isHealthy } from '../health/host-health.js';
import type { ClusterConfig, ProxyConfig } from '../types.js';
import { PROXY_VERSION_STRING } from '../version.js';
import { buildSnapshot, readHostCounters, readStoreCounters } from './build-snapshot.js';
import type { ClusterHosts, RegisteredHost } from './cluster-hosts.js';
import { createClusterHosts } from './cluster-hosts.js';
import { ClusterHealth } from './cluster-health.js';
import { createSlotAllocator } from './slot-allocator.js';
import type { BoundAddress, WorkerPool } from './worker-pool.js';
import { startWorkerPool } from './worker-pool.js';

/** How many hosts can hold statistics at once, over all clusters. */
const HOST_SLOTS = 16_384;
// c-ares settings of the discovery resolver: a lost UDP answer is retried quickly, a dead server fails in ~3 s.
const DNS_TIMEOUT_MS = 1000;
const DNS_TRIES = 3;
// How long a shutdown waits for requests in flight before it closes what is left: below Kubernetes' default
// 30 s grace period, and long enough for the default 15 s route timeout's typical requests.
const SHUTDOWN_DRAIN_MS = 10_000;
// Upper bound on waiting for the first health checks at start-up (each is bounded by its own timeout anyway).
const FIRST_CHECKS_LIMIT_MS = 30_000;

/** What the proxy is started with. */
export interface StartProxyOptions {
  readonly config: ProxyConfig;
  readonly configPath: string;
  readonly concurrency: number;
  /** Base seed of the workers' balancers; each worker derives its own. */
  readonly seed: number;
  /** `host:port` of the DNS server for STRICT_DNS / LOGICAL_DNS; undefined = the system resolver. */
  readonly dnsServer: string | undefined;
  readonly logLevel: string;
  readonly logger: Logger;
}

/** Events of a running proxy. */
export interface ProxyEvents {
  /** A cluster's host set changed. */
  hosts: [cluster: string, hosts: readonly RegisteredHost[]];
  /** Something the proxy cannot run without failed (a worker crashed). */
  fatal: [error: Error];
  /** `POST /quitquitquit` was received. */
  quit: [];
}

/** A started proxy. */
export interface RunningProxy extends EventEmitter<ProxyEvents> {
  readonly adminAddress: BoundAddress;
  readonly listenerAddresses: ReadonlyMap<string, BoundAddress>;
  snapshot(): AdminSnapshot;
  close(): Promise<void>;
}

function listenAdmin(server: Server, address: { address: string; portValue: number }): Promise<BoundAddress> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.portValue, address.address, () => {
      server.off('error', reject);
      const bound = server.address() as AddressInfo;
      resolve({ ip: bound.address, port: bound.port });
    });
  });
}

/**
 * Starts the proxy as Envoy starts: admin first, then cluster initialisation (the first DNS answer of every
 * cluster), then the workers and their listeners, then LIVE.
 * @throws ListenError when a listener address is taken; Error when the admin address is.
 */
export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const { config, logger } = options;
  const startedAtMs = Date.now();
  const layout = createStatsLayout({
    hostSlots: HOST_SLOTS,
    clusters: config.clusters.length,
    listeners: config.listeners.length,
  });
  const buffers = allocateStatsBuffers(layout, options.concurrency);
  const reader = openStatsReader(buffers);
  const allocator = createSlotAllocator(HOST_SLOTS);
  const clusterHosts: ClusterHosts[] = config.clusters.map((cluster) =>
    createClusterHosts(allocator, (slot) => readHostCounters(layout, reader, slot), {
      isLogical: cluster.type === 'LOGICAL_DNS',
    }),
  );
  const outlierCounters = new OutlierCounters(buffers.outlier);
  const health = config.clusters.map((cluster, index) => {
    const hosts = clusterHosts[index];
    if (hosts === undefined || (cluster.outlierDetection === undefined && cluster.healthCheck === undefined))
      return undefined;
    const cxTotal = layout.clusterCounter(index, CLUSTER_COUNTERS.indexOf('upstream_cx_total'));
    return new ClusterHealth(cluster, {
      hosts,
      outlierCounters,
      random: createRng(deriveSeed(options.seed, config.clusters.length + index + 1)),
      hasTraffic: () => reader.counter(cxTotal) > 0,
      publish: () => {
        publishHealth(index);
      },
      onHostRemoved: () => {
        onHostSetChanged(index, 'membership');
      },
      log: (message) => {
        logger.log('info', 'upstream', message);
      },
    });
  });
  const mainCounters = new Map<string, number>();
  const mainGauges = new Map<string, number>([['server.concurrency', options.concurrency]]);
  let counterBaseline = new Map<string, number>();
  let state: ServerState = 'PRE_INITIALIZING';
  let workers: WorkerPool | undefined;
  const listenerAddresses = new Map<string, BoundAddress>();
  const events = new EventEmitter<ProxyEvents>();

  const updateHealthyGauge = (index: number): void => {
    const cluster = config.clusters[index];
    const hosts = clusterHosts[index]?.hosts ?? [];
    const flags = health[index]?.healthFlags() ?? [];
    if (cluster === undefined) return;
    const unhealthy = flags.filter(([, bits]) => !isHealthy(bits)).length;
    mainGauges.set(`cluster.${cluster.name}.membership_total`, hosts.length);
    mainGauges.set(`cluster.${cluster.name}.membership_healthy`, hosts.length - unhealthy);
  };
  const publishHealth = (index: number): void => {
    const flags = health[index]?.healthFlags();
    if (flags !== undefined) workers?.broadcast({ type: 'health', cluster: index, flags });
    updateHealthyGauge(index);
  };
  const broadcastHosts = (index: number): void => {
    workers?.broadcast({ type: 'hosts', cluster: index, hosts: clusterHosts[index]?.hosts ?? [] });
    publishHealth(index);
  };
  const onHostSetChanged = (index: number, change: 'membership' | 'address'): void => {
    const cluster = config.clusters[index];
    const hosts = clusterHosts[index]?.hosts ?? [];
    if (cluster === undefined) return;
    if (change === 'membership') countMain(`cluster.${cluster.name}.membership_change`);
    health[index]?.onHosts();
    logger.log(
      'info',
      'upstream',
      `cluster ${cluster.name}: ${hosts.length} host(s): ${hosts.map((h) => h.key).join(', ')}`,
    );
    broadcastHosts(index);
    events.emit('hosts', cluster.name, hosts);
  };

  const snapshotSources = () => ({
    config,
    health,
    version: PROXY_VERSION_STRING,
    state,
    uptimeSeconds: Math.floor((Date.now() - startedAtMs) / 1000),
    commandLine: {
      concurrency: options.concurrency,
      configPath: options.configPath,
      logLevel: options.logLevel,
      dnsServer: options.dnsServer,
    },
    layout,
    reader,
    clusterHosts,
    mainCounters,
    mainGauges,
    listenerAddresses,
  });
  const snapshot = (): AdminSnapshot => buildSnapshot({ ...snapshotSources(), counterBaseline });
  const countMain = (name: string): void => {
    mainCounters.set(name, (mainCounters.get(name) ?? 0) + 1);
  };

  const admin = createAdminServer({
    getSnapshot: snapshot,
    resetCounters: () => {
      counterBaseline = readStoreCounters(snapshotSources());
    },
    quit: () => events.emit('quit'),
    drainListeners: () => {
      void drainListeners();
    },
  });
  const adminAddress = await listenAdmin(admin, config.admin.address);
  logger.log('info', 'admin', `admin address: ${adminAddress.ip}:${adminAddress.port}`);

  state = 'INITIALIZING';
  const defaultServers = options.dnsServer === undefined ? [] : [options.dnsServer];
  const discoveries: Discovery[] = config.clusters.map((cluster, index) =>
    startDiscovery(cluster, createSystemDiscoveryDeps(createClusterResolver(cluster, defaultServers)), {
      onHosts(found) {
        const hosts = clusterHosts[index];
        if (hosts === undefined) return;
        const clusterHealth = health[index];
        const change = hosts.update(
          found,
          clusterHealth === undefined ? undefined : (host) => clusterHealth.keepRemoved(host),
        );
        if (change !== 'none') onHostSetChanged(index, change);
      },
      onStat(name) {
        countMain(`cluster.${cluster.name}.${name}`);
      },
    }),
  );

  let drained: Promise<void> | undefined;
  const drainListeners = (): Promise<void> => {
    state = 'DRAINING';
    drained ??= workers?.drain() ?? Promise.resolve();
    return drained;
  };

  const close = async (): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((done) => {
      timer = setTimeout(done, SHUTDOWN_DRAIN_MS);
    });
    await Promise.race([drainListeners(), deadline]);
    clearTimeout(timer);
    for (const discovery of discoveries) discovery.stop();
    for (const clusterHealth of health) clusterHealth?.stop();
    admin.closeAllConnections();
    const adminClosed = new Promise<void>((done) => {
      admin.close(() => {
        done();
      });
    });
    await Promise.all([adminClosed, workers?.close()]);
  };

  try {
    await Promise.all(discoveries.map((discovery) => discovery.initialized));
    // Envoy's cluster initialisation also waits for the first health check of every host.
    await Promise.all(
      health.map(
        (clusterHealth) => clusterHealth?.waitFirstChecks(FIRST_CHECKS_LIMIT_MS) ?? Promise.resolve(),
      ),
    );
    workers = await startWorkerPool({
      count: options.concurrency,
      createInit: (index) => ({
        index,
        seed: deriveSeed(options.seed, index),
        config,
        statsDimensions: layout.dimensions,
        statsBuffers: buffers,
      }),
      logger,
      onMessage: (message) => {
        if (message.type === 'outlier-threshold')
          health[message.cluster]?.detector?.onConsecutiveError(message.slot, message.counter);
      },
      onFatal: (error) => events.emit('fatal', error),
    });
    clusterHosts.forEach((_, index) => {
      broadcastHosts(index);
    });
    for (const [index, listener] of config.listeners.entries()) {
      const bound = await workers.listen(index);
      listenerAddresses.set(listener.name, bound);
      logger.log('info', 'config', `listener ${listener.name} on ${bound.ip}:${bound.port}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  state = 'LIVE';
  mainGauges.set('server.live', 1);
  logger.log('info', 'main', `starting ${options.concurrency} worker(s); all clusters initialized; LIVE`);
  return Object.assign(events, { adminAddress, listenerAddresses, snapshot, close });
}

/** The resolver of a cluster: its own DNS servers when the config names some, else the proxy's default. */
function createClusterResolver(cluster: ClusterConfig, defaultServers: readonly string[]): Resolve {
  const own = cluster.dnsResolvers.map(({ address, portValue }) => formatHostAddress(address, portValue));
  return createDnsResolver({
    servers: own.length > 0 ? own : defaultServers,
    timeoutMs: DNS_TIMEOUT_MS,
    tries: DNS_TRIES,
  });
}

/** Writes the admin address to a file as Envoy's `--admin-address-path` does (`ip:port`). */
export async function writeAdminAddress(path: string, address: BoundAddress): Promise<void> {
  // Written whole and renamed into place, so a reader polling the file never sees half an address.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${formatHostAddress(address.ip, address.port)}\n`);
  await rename(temporary, path);
}
