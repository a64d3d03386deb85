import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../../proxy/src/config/parse-config.js';
import { routeRequest } from '../../../proxy/src/http/route-request.js';
import { Exchange } from '../../../proxy/src/http/exchange.js';
import { parseRequestHead } from '../../../proxy/src/http/http-head.js';
import type { DownstreamPeer, ListenerContext } from '../../../proxy/src/http/listener-context.js';
import { createRouteTable } from '../../../proxy/src/http/route-table.js';
import { createRng } from '../../../proxy/src/lb/rng.js';
import { allocateStatsBuffers, openWorkerStats } from '../../../proxy/src/stats/shared-stats.js';
import type { WorkerStats } from '../../../proxy/src/stats/shared-stats.js';
import {
  CLUSTER_GAUGES,
  createStatsLayout,
  HOST_COUNTERS,
  HOST_GAUGES,
} from '../../../proxy/src/stats/stats-layout.js';
import { createClusterResources } from '../../../proxy/src/worker/cluster-resources.js';
import { createHcmStats } from '../../../proxy/src/worker/hcm-stats.js';
import { WorkerCluster } from '../../../proxy/src/worker/worker-cluster.js';
import { startTestPod } from '../../support/pod-fleet.js';
import type { PodBehaviour, TestPod } from '../../support/pod-fleet.js';
import { renderTestConfig } from '../../support/proxy-under-test.js';

/**
 * The forwarding path in-process: real exchanges, pools and upstream sockets against a test pod, with a
 * scripted client in place of the downstream socket, so that a slow client or a client that leaves at a
 * given moment is exact rather than a race.
 */

/** A scripted client connection: records what the exchange writes, whether it is read, and when it ends. */
interface ScriptedClient extends DownstreamPeer {
  exchange: Exchange | undefined;
  readonly received: () => string;
  readonly isReading: () => boolean;
  /** Settles when the proxy reads from the client (at once unless it paused reading); rejects after 2 s. */
  readonly whenReading: () => Promise<void>;
  /** Settles when the exchange is over. */
  readonly done: Promise<void>;
}

/**
 * `isSlow`: every write reports a full socket buffer and the buffer drains a moment later, as with a client
 * that reads more slowly than the upstream sends.
 */
function createScriptedClient(isSlow: boolean): ScriptedClient {
  let text = '';
  let isPaused = false;
  let markResumed = (): void => undefined;
  let markDone = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    markDone = resolve;
  });
  const client: ScriptedClient = {
    exchange: undefined,
    isDraining: false,
    write(data) {
      text += typeof data === 'string' ? data : data.toString('latin1');
      if (isSlow) setImmediate(() => client.exchange?.onDownstreamDrain());
      return !isSlow;
    },
    pauseReading() {
      isPaused = true;
    },
    resumeReading() {
      isPaused = false;
      markResumed();
    },
    destroy: () => undefined,
    onExchangeDone() {
      markDone();
    },
    received: () => text,
    isReading: () => !isPaused,
    whenReading: () =>
      isPaused
        ? new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => {
              reject(new Error('the proxy never resumed reading from the client'));
            }, 2000);
            markResumed = () => {
              clearTimeout(timer);
              resolve();
            };
          })
        : Promise.resolve(),
    done,
  };
  return client;
}

/** What a test changes in the worker: route and cluster config lines, and a hook on retry back-offs. */
interface WorkerOptions {
  readonly routeExtra?: string;
  readonly clusterExtra?: string;
  /** Called when the exchange draws a retry back-off; the draw is 24, i.e. a 24 ms first back-off. */
  readonly onBackoff?: () => void;
}

/** One worker's listener and cluster wired as `worker-main.ts` wires them, with one host: `pod`. */
function createWorker(pod: TestPod, options: WorkerOptions) {
  const config = parseProxyConfig(
    renderTestConfig({
      policy: 'ROUND_ROBIN',
      service: pod.ip,
      port: pod.port,
      clusterType: 'STATIC',
      routeTimeout: '2s',
      ...options,
    }),
    { file: 'exchange-test.yaml', env: {} },
  );
  const [clusterConfig] = config.clusters;
  const [listenerConfig] = config.listeners;
  if (clusterConfig === undefined || listenerConfig === undefined) throw new Error('config lost its parts');
  const layout = createStatsLayout({ hostSlots: 1, clusters: 1, listeners: 1 });
  const stats: WorkerStats = openWorkerStats(layout, allocateStatsBuffers(layout, 1), 0);
  const cluster = new WorkerCluster({
    config: clusterConfig,
    resources: createClusterResources(stats, 0, clusterConfig.circuitBreakers.default),
    random: createRng(1),
    seed: 1,
    now: () => performance.now(),
  });
  cluster.setHosts([{ ip: pod.ip, port: pod.port, hostname: '', weight: 1, slot: 0 }]);
  const listener: ListenerContext = {
    index: 0,
    config: listenerConfig,
    routes: createRouteTable(listenerConfig.virtualHosts),
    clusters: new Map([[clusterConfig.name, cluster]]),
    hcm: createHcmStats(stats, 0),
    random: () => {
      options.onBackoff?.();
      return 24;
    },
    now: () => performance.now(),
    wallNow: () => Date.now(),
  };
  /** Starts a request from `client` (a GET unless `head` says otherwise), as DownstreamConnection does. */
  const send = (client: ScriptedClient, head = 'GET / HTTP/1.1\r\nHost: a'): Exchange => {
    const request = parseRequestHead(head);
    const target = routeRequest(request, listener);
    if ('status' in target) throw new Error(`the test's request was not routed: ${target.status}`);
    const exchange = new Exchange(client, request, listener, target);
    client.exchange = exchange;
    exchange.onRequestData(Buffer.alloc(0), 0);
    exchange.start();
    return exchange;
  };
  const hostCounter = (name: (typeof HOST_COUNTERS)[number]): number =>
    stats.counters[layout.hostCounter(0, HOST_COUNTERS.indexOf(name))] ?? 0;
  const gauges = () => ({
    hostRqActive: Atomics.load(stats.gauges, layout.hostGauge(0, HOST_GAUGES.indexOf('rq_active'))),
    rqActive: Atomics.load(
      stats.gauges,
      layout.clusterGauge(0, CLUSTER_GAUGES.indexOf('upstream_rq_active')),
    ),
    pending: Atomics.load(
      stats.gauges,
      layout.clusterGauge(0, CLUSTER_GAUGES.indexOf('upstream_rq_pending_active')),
    ),
    retries: Atomics.load(
      stats.gauges,
      layout.clusterGauge(0, CLUSTER_GAUGES.indexOf('upstream_rq_retry_active')),
    ),
  });
  const close = (): void => {
    cluster.close();
  };
  return { send, hostCounter, gauges, close };
}

const IDLE_GAUGES = { hostRqActive: 0, rqActive: 0, pending: 0, retries: 0 };

let cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setUp(behaviour: PodBehaviour, options: WorkerOptions = {}) {
  const pod = await startTestPod('pod', '127.0.7.1', 0, behaviour);
  const worker = createWorker(pod, options);
  cleanups.push(() => pod.close(), worker.close);
  return { pod, worker };
}

describe('an exchange against a real upstream', () => {
  it('gives a connection paused for a slow client back to the pool reading: the next request is answered', async () => {
    const { worker } = await setUp({ kind: 'ok', bodyBytes: 4096 });
    const slow = createScriptedClient(true);
    worker.send(slow);
    await slow.done;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 200 /);

    const next = createScriptedClient(false);
    worker.send(next);
    await next.done;
    expect(next.received()).toMatch(/^HTTP\/1\.1 200 /);
    // Both requests went over the one connection: the second really reused the paused one.
    expect(worker.hostCounter('cx_total')).toBe(1);
    expect(worker.hostCounter('rq_success')).toBe(2);
    expect(worker.gauges()).toEqual(IDLE_GAUGES);
  });

  it('withdraws a request whose client leaves while it waits for a connection', async () => {
    const { pod, worker } = await setUp(
      { kind: 'hang' },
      { clusterExtra: '\n    circuit_breakers: { thresholds: [{ max_connections: 1 }] }' },
    );
    const first = createScriptedClient(false);
    const holding = worker.send(first);
    await waitFor(() => pod.requests === 1);
    // max_connections 1 and a busy connection: the second request queues for it.
    const queued = worker.send(createScriptedClient(false));
    expect(worker.gauges()).toMatchObject({ pending: 1, rqActive: 1 });

    queued.onDownstreamClose();
    expect(worker.gauges()).toMatchObject({ pending: 0, rqActive: 1 });
    holding.onDownstreamClose();
    expect(worker.gauges()).toEqual(IDLE_GAUGES);
    expect(first.received()).toBe('');
  });

  it('reads the rest of a body it stopped reading while the request waited for a connection', async () => {
    const { pod, worker } = await setUp(
      { kind: 'echo' },
      { clusterExtra: '\n    circuit_breakers: { thresholds: [{ max_connections: 1 }] }' },
    );
    // An upload that never sends its body holds the only connection.
    const holding = worker.send(
      createScriptedClient(false),
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9',
    );
    await waitFor(() => pod.requests === 1);
    const body = Buffer.alloc(3 * 1024 * 1024, 98);
    const client = createScriptedClient(false);
    const exchange = worker.send(client, `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}`);
    const upload = streamBody(client, exchange, body);
    // Past the 1 MiB retry buffer the proxy stops reading until a connection takes the body.
    await waitFor(() => !client.isReading());
    expect(worker.gauges().pending).toBe(1);
    holding.onDownstreamClose();
    await upload;
    await client.done;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
    // The echo pod sends the whole body back in a chunked response, which the proxy re-frames chunk by chunk.
    expect(decodeChunkedResponse(client.received())).toBe(body.toString('latin1'));
  });

  it('sends no retry after the client left during the back-off', async () => {
    const client = createScriptedClient(false);
    let isBackingOff = false;
    const { pod, worker } = await setUp(
      { kind: 'ok', status: 503 },
      {
        routeExtra: ', retry_policy: { retry_on: "5xx", num_retries: 3 }',
        // The client leaves right after the 503 scheduled the retry, well inside its 24 ms back-off.
        onBackoff: () => {
          isBackingOff = true;
          queueMicrotask(() => client.exchange?.onDownstreamClose());
        },
      },
    );
    worker.send(client);
    await client.done;
    expect(isBackingOff).toBe(true);
    expect(worker.gauges()).toEqual(IDLE_GAUGES);
    // Past the back-off: a retry still scheduled would have reached the pod by now.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(pod.requests).toBe(1);
    expect(client.received()).toBe('');
  });
});

/** Sends `body` in 64 KiB pieces whenever the proxy reads from the client, as a socket would deliver it. */
async function streamBody(client: ScriptedClient, exchange: Exchange, body: Buffer): Promise<void> {
  const pieceBytes = 64 * 1024;
  for (let offset = 0; offset < body.length; offset += pieceBytes) {
    await client.whenReading();
    exchange.onRequestData(body.subarray(offset, offset + pieceBytes), 0);
  }
}

/** Polls `condition` every few ms until it holds (the test's own timeout bounds the wait). */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The payload of a chunked HTTP/1.1 response given as latin1 text. */
function decodeChunkedResponse(text: string): string {
  let offset = text.indexOf('\r\n\r\n') + 4;
  let payload = '';
  for (;;) {
    const lineEnd = text.indexOf('\r\n', offset);
    const size = Number.parseInt(text.slice(offset, lineEnd), 16);
    if (size === 0) return payload;
    payload += text.slice(lineEnd + 2, lineEnd + 2 + size);
    offset = lineEnd + 2 + size + 2;
  }
}
