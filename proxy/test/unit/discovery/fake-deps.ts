import type { DnsLookupFamily, ClusterConfig, EndpointConfig } from '../../../src/types.js';
import type { ResolveOutcome, ResolvedAddress } from '../../../src/discovery/resolve.js';
import type {
  DiscoveredHost,
  DiscoveryDeps,
  DiscoveryListener,
  DiscoveryStat,
} from '../../../src/discovery/types.js';

/** A STRICT_DNS cluster with Envoy's defaults and the given endpoints (`name` or `name:port`). */
export function createCluster(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  const thresholds = { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 };
  return {
    name: 'myapp',
    type: 'STRICT_DNS',
    lbPolicy: 'ROUND_ROBIN',
    connectTimeoutMs: 250,
    endpoints: [createEndpoint('myapp')],
    dnsLookupFamily: 'V4_ONLY',
    dnsRefreshRateMs: 5000,
    dnsJitterMs: 0,
    respectDnsTtl: false,
    dnsFailureRefreshRate: undefined,
    dnsResolvers: [],
    circuitBreakers: { default: thresholds, high: thresholds },
    leastRequest: { choiceCount: 2, activeRequestBias: 1, slowStart: undefined },
    roundRobin: { slowStart: undefined },
    ringHash: { minimumRingSize: 1024, maximumRingSize: 8_388_608, hashFunction: 'XX_HASH' },
    maglev: { tableSize: 65_537 },
    maxRequestsPerConnection: 0,
    closeConnectionsOnHostSetChange: false,
    outlierDetection: undefined,
    healthCheck: undefined,
    ignoreNewHostsUntilFirstHc: false,
    ignoreHealthOnHostRemoval: false,
    healthyPanicThreshold: 50,
    overprovisioningFactor: 140,
    ...overrides,
  };
}

/** An endpoint on port 80 with weight 1 unless told otherwise. */
export function createEndpoint(address: string, overrides: Partial<EndpointConfig> = {}): EndpointConfig {
  return { address, portValue: 80, weight: 1, hostname: undefined, ...overrides };
}

/** `ok` with the given IPs, all with one TTL. */
export function answer(ips: readonly string[], ttlSeconds = 5): ResolveOutcome {
  return { status: 'ok', addresses: ips.map((ip): ResolvedAddress => ({ ip, ttlSeconds })) };
}

/** A failed resolution. */
export function failure(reason = 'ETIMEOUT'): ResolveOutcome {
  return { status: 'failure', reason };
}

interface PendingCall {
  readonly name: string;
  readonly family: DnsLookupFamily;
  readonly settle: (outcome: ResolveOutcome) => void;
  readonly fail: (error: Error) => void;
}

interface FakeTimer {
  readonly id: number;
  readonly atMs: number;
  readonly fn: () => void;
}

/** One recorded listener or timer event, in the order it happened. */
export type DiscoveryEvent =
  | { readonly kind: 'hosts'; readonly hosts: readonly string[] }
  | { readonly kind: 'stat'; readonly name: DiscoveryStat }
  | { readonly kind: 'timer'; readonly delayMs: number };

/**
 * Discovery dependencies under the test's control: resolutions stay pending until `settle`, timers fire only
 * when `advanceMs` passes their deadline, and `random` returns the scripted values in turn.
 */
export function createFakeDeps(randomValues: readonly number[] = []) {
  let nowMs = 0;
  let nextId = 1;
  let timers: FakeTimer[] = [];
  const calls: PendingCall[] = [];
  const events: DiscoveryEvent[] = [];
  const randoms = [...randomValues];
  const deps: DiscoveryDeps<number> = {
    resolve: (name, family) =>
      new Promise<ResolveOutcome>((resolve, reject) => {
        calls.push({ name, family, settle: resolve, fail: reject });
      }),
    setTimer: (fn, ms) => {
      const timer = { id: nextId++, atMs: nowMs + ms, fn };
      timers.push(timer);
      events.push({ kind: 'timer', delayMs: ms });
      return timer.id;
    },
    clearTimer: (id) => {
      timers = timers.filter((timer) => timer.id !== id);
    },
    random: () => {
      const value = randoms.shift();
      if (value === undefined) {
        throw new Error('the test scripted too few random values');
      }
      return value;
    },
  };
  const listener: DiscoveryListener = {
    onHosts: (hosts: readonly DiscoveredHost[]) => {
      events.push({ kind: 'hosts', hosts: hosts.map(formatHost) });
    },
    onStat: (name) => {
      events.push({ kind: 'stat', name });
    },
  };
  return {
    deps,
    listener,
    calls,
    events,
    /** Settles the oldest pending resolution of `name` and lets discovery react. */
    async settle(name: string, outcome: ResolveOutcome): Promise<void> {
      const index = calls.findIndex((call) => call.name === name);
      const call = calls.splice(index, 1)[0];
      if (call === undefined) {
        throw new Error(`no pending resolution of ${name}`);
      }
      call.settle(outcome);
      await flushMicrotasks();
    },
    async reject(name: string, error: Error): Promise<void> {
      const index = calls.findIndex((call) => call.name === name);
      calls.splice(index, 1)[0]?.fail(error);
      await flushMicrotasks();
    },
    /** Moves the fake clock forward, firing due timers in deadline order. */
    advanceMs(ms: number): void {
      const targetMs = nowMs + ms;
      for (;;) {
        const due = timers.filter((timer) => timer.atMs <= targetMs).sort((a, b) => a.atMs - b.atMs)[0];
        if (due === undefined) {
          break;
        }
        timers = timers.filter((timer) => timer !== due);
        nowMs = due.atMs;
        due.fn();
      }
      nowMs = targetMs;
    },
    pendingTimerCount: () => timers.length,
    /** Events recorded since the last call. */
    takeEvents(): DiscoveryEvent[] {
      return events.splice(0);
    },
  };
}

/** `hostname@ip:port*weight`, compact for table expectations. */
export function formatHost(host: DiscoveredHost): string {
  return `${host.hostname}@${host.ip}:${host.port}*${host.weight}`;
}

/** Lets every queued promise callback run (setImmediate comes after the microtask queue drains). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => {
    setImmediate(resolve);
  });
}
