import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { DownstreamConnection } from '../http/downstream-connection.js';
import type { ListenerContext } from '../http/listener-context.js';
import { createRouteTable } from '../http/route-table.js';
import { createRng, deriveSeed } from '../lb/rng.js';
import { OutlierCounters } from '../health/outlier-counters.js';
import { openWorkerStats } from '../stats/shared-stats.js';
import { createStatsLayout } from '../stats/stats-layout.js';
import { createClusterResources } from './cluster-resources.js';
import { createHcmStats } from './hcm-stats.js';
import type { MainToWorker, WorkerInit, WorkerToMain } from './messages.js';
import { WorkerCluster } from './worker-cluster.js';

/**
 * A worker thread: Envoy's worker. It accepts client connections, routes and balances their requests with
 * its own balancer state, and keeps its own upstream connection pools. The main thread sends it host sets.
 */
function runWorker(port: NonNullable<typeof parentPort>, init: WorkerInit): void {
  const post = (message: WorkerToMain): void => {
    port.postMessage(message);
  };
  const layout = createStatsLayout(init.statsDimensions);
  const stats = openWorkerStats(layout, init.statsBuffers, init.index);
  const random = createRng(init.seed);
  const outlierCounters = new OutlierCounters(init.statsBuffers.outlier);
  const clusterList = init.config.clusters.map(
    (config, index) =>
      new WorkerCluster({
        config,
        resources: createClusterResources(stats, index, config.circuitBreakers.default),
        random,
        seed: deriveSeed(init.seed, index + 1),
        outlier: {
          counters: outlierCounters,
          onThreshold: (slot, counter) => {
            post({ type: 'outlier-threshold', cluster: index, slot, counter });
          },
        },
        now: () => performance.now(),
      }),
  );
  const clusters = new Map(clusterList.map((cluster) => [cluster.config.name, cluster]));
  const listeners: ListenerContext[] = init.config.listeners.map((config, index) => ({
    index,
    config,
    routes: createRouteTable(config.virtualHosts),
    clusters,
    hcm: createHcmStats(stats, index),
    random,
    now: () => performance.now(),
    wallNow: () => Date.now(),
  }));
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const connections = new Set<DownstreamConnection>();
  let isDraining = false;
  const reportIfDrained = (): void => {
    if (isDraining && connections.size === 0) post({ type: 'drained' });
  };

  const createListenerServer = (listener: ListenerContext): Server => {
    const server = createServer({ noDelay: true }, (socket) => {
      const connection = new DownstreamConnection(socket, listener);
      sockets.add(socket);
      connections.add(connection);
      socket.once('close', () => {
        sockets.delete(socket);
        connections.delete(connection);
        reportIfDrained();
      });
    });
    servers.push(server);
    return server;
  };

  const listen = (listenerIndex: number, target: { host: string; port: number } | { fd: number }): void => {
    const listener = listeners[listenerIndex];
    if (listener === undefined) return;
    const server = createListenerServer(listener);
    server.once('error', (error: NodeJS.ErrnoException) => {
      post({
        type: 'listen-failed',
        listener: listenerIndex,
        code: error.code ?? 'EIO',
        message: error.message,
      });
    });
    server.listen({ ...target, backlog: 1024 }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return;
      post({
        type: 'listening',
        listener: listenerIndex,
        fd: getListeningFd(server),
        ip: address.address,
        port: address.port,
      });
    });
  };

  const drain = (): void => {
    if (isDraining) return;
    isDraining = true;
    for (const server of servers) server.close();
    for (const connection of connections) connection.drain();
    reportIfDrained();
  };

  const close = (): void => {
    for (const server of servers) server.close();
    for (const socket of sockets) socket.destroy();
    for (const cluster of clusterList) cluster.close();
    post({ type: 'closed' });
  };

  port.on('message', (message: MainToWorker) => {
    switch (message.type) {
      case 'listen': {
        const address = listeners[message.listener]?.config.address;
        if (address !== undefined)
          listen(message.listener, { host: address.address, port: address.portValue });
        return;
      }
      case 'listen-fd':
        listen(message.listener, { fd: message.fd });
        return;
      case 'hosts':
        clusterList[message.cluster]?.setHosts(message.hosts);
        return;
      case 'health':
        clusterList[message.cluster]?.setHealth(message.flags);
        return;
      case 'drain':
        drain();
        return;
      case 'close':
        close();
        return;
    }
  });
  post({ type: 'ready' });
}

/**
 * The file descriptor of a listening server. Node has no public API for it; the other workers accept on the
 * same descriptor (several event loops polling one listening socket, as Envoy's workers did before
 * SO_REUSEPORT), because Node 20 cannot bind one port from several threads.
 */
function getListeningFd(server: Server): number {
  const handle = (server as unknown as { _handle?: { fd?: unknown } })._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

if (parentPort !== null) runWorker(parentPort, workerData as WorkerInit);
