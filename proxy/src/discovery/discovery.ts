import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { ClusterConfig } from '../types.js';
import { applyLogicalAnswer, applyStrictAnswer, createResolveTargets } from './dns-target.js';
import type { ResolveTarget } from './dns-target.js';
import { getFailureDelayMs, getSuccessDelayMs, resetFailureBackoff } from './refresh-delay.js';
import type { FailureBackoff } from './refresh-delay.js';
import type { Resolve, ResolveOutcome } from './resolve.js';
import type { DiscoveredHost, Discovery, DiscoveryDeps, DiscoveryListener } from './types.js';

/**
 * Starts host discovery for a cluster, as Envoy's StrictDnsClusterImpl / LogicalDnsCluster / StaticClusterImpl
 * do: every DNS target resolves at once and then on its own timer. STATIC reports its hosts synchronously.
 */
export function startDiscovery<Timer>(
  cluster: ClusterConfig,
  deps: DiscoveryDeps<Timer>,
  listener: DiscoveryListener,
): Discovery {
  if (cluster.type === 'STATIC') {
    return startStaticDiscovery(cluster, listener);
  }
  if (cluster.type === 'LOGICAL_DNS' && cluster.endpoints.length !== 1) {
    throw new Error(
      `cluster "${cluster.name}": LOGICAL_DNS clusters must have exactly one endpoint, got ${cluster.endpoints.length}`,
    );
  }
  return startDnsDiscovery(cluster, deps, listener);
}

/** Discovery dependencies backed by real timers (unref'd) and crypto randomness. */
export function createSystemDiscoveryDeps(resolve: Resolve): DiscoveryDeps<NodeJS.Timeout> {
  return {
    resolve,
    setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
    clearTimer: (timer) => {
      clearTimeout(timer);
    },
    random: () => randomInt(0, 2 ** 32),
  };
}

function startStaticDiscovery(cluster: ClusterConfig, listener: DiscoveryListener): Discovery {
  const hosts = cluster.endpoints.map((endpoint, index) => {
    if (isIP(endpoint.address) === 0) {
      throw new Error(
        `cluster "${cluster.name}": endpoints[${index}].address must be an IP address for a STATIC cluster, got "${endpoint.address}"`,
      );
    }
    return {
      ip: endpoint.address,
      port: endpoint.portValue,
      hostname: endpoint.hostname ?? '',
      weight: Math.max(1, endpoint.weight),
    };
  });
  if (hosts.length > 0) {
    listener.onHosts(hosts);
  }
  return { initialized: Promise.resolve(), stop: () => undefined };
}

/** What a DNS cluster's targets hold between resolutions; mutated only by the outcome handlers below. */
interface DnsClusterState {
  readonly cluster: ClusterConfig;
  readonly targets: readonly ResolveTarget[];
  readonly random: () => number;
  readonly listener: DiscoveryListener;
  readonly hostsByTarget: (readonly DiscoveredHost[])[];
  readonly addressKeysByTarget: (readonly string[])[];
  // One back-off for the whole cluster, shared by its targets, as in Envoy (failure_backoff_strategy_).
  backoff: FailureBackoff;
}

function startDnsDiscovery<Timer>(
  cluster: ClusterConfig,
  deps: DiscoveryDeps<Timer>,
  listener: DiscoveryListener,
): Discovery {
  const targets = createResolveTargets(cluster);
  const state: DnsClusterState = {
    cluster,
    targets,
    random: deps.random,
    listener,
    hostsByTarget: targets.map(() => []),
    addressKeysByTarget: targets.map(() => []),
    backoff: resetFailureBackoff(cluster),
  };
  const timers = new Map<number, Timer>();
  let isStopped = false;
  let markInitialized = (): void => undefined;
  const initialized = new Promise<void>((resolve) => {
    markInitialized = resolve;
  });
  const startResolve = (index: number, target: ResolveTarget): void => {
    timers.delete(index);
    listener.onStat('update_attempt');
    void resolveSafely(deps.resolve, target.dnsName, cluster).then((outcome) => {
      if (isStopped) {
        return;
      }
      const delayMs =
        cluster.type === 'LOGICAL_DNS'
          ? handleLogicalOutcome(state, outcome)
          : handleStrictOutcome(state, index, outcome);
      markInitialized();
      timers.set(
        index,
        deps.setTimer(() => {
          startResolve(index, target);
        }, delayMs),
      );
    });
  };
  targets.forEach((target, index) => {
    startResolve(index, target);
  });
  if (targets.length === 0) {
    markInitialized();
  }
  const stop = (): void => {
    isStopped = true;
    timers.forEach((timer) => {
      deps.clearTimer(timer);
    });
    timers.clear();
    markInitialized();
  };
  return { initialized, stop };
}

/** Applies a STRICT_DNS outcome to target `index` and returns the delay before its next resolution. */
function handleStrictOutcome(state: DnsClusterState, index: number, outcome: ResolveOutcome): number {
  const target = state.targets[index];
  if (outcome.status === 'failure' || target === undefined) {
    return handleFailure(state);
  }
  state.listener.onStat('update_success');
  const update = applyStrictAnswer(target, state.hostsByTarget[index] ?? [], outcome.addresses);
  // Envoy stores the new answer order even without a rebuild; the next rebuild merges the stored lists.
  state.hostsByTarget[index] = update.hosts;
  if (update.changed) {
    state.listener.onHosts(state.hostsByTarget.flat());
  } else {
    state.listener.onStat('update_no_rebuild');
  }
  state.backoff = resetFailureBackoff(state.cluster);
  return getSuccessDelayMs(state.cluster, update.minTtlSeconds, state.random);
}

/** Applies a LOGICAL_DNS outcome to the single target and returns the delay before the next resolution. */
function handleLogicalOutcome(state: DnsClusterState, outcome: ResolveOutcome): number {
  const [first, ...rest] = outcome.status === 'ok' ? outcome.addresses : [];
  const target = state.targets[0];
  // LOGICAL_DNS keeps its last address on an empty answer and counts it as a failure.
  if (first === undefined || target === undefined) {
    return handleFailure(state);
  }
  state.listener.onStat('update_success');
  const current = { hosts: state.hostsByTarget[0] ?? [], addressKeys: state.addressKeysByTarget[0] ?? [] };
  const update = applyLogicalAnswer(target, current, [first, ...rest]);
  state.hostsByTarget[0] = update.hosts;
  state.addressKeysByTarget[0] = update.addressKeys;
  if (update.changed) {
    state.listener.onHosts(update.hosts);
  } else if (!update.isListChangeOnly) {
    state.listener.onStat('update_no_rebuild');
  }
  state.backoff = resetFailureBackoff(state.cluster);
  return getSuccessDelayMs(state.cluster, update.minTtlSeconds, state.random);
}

/** Counts a failed resolution; the target keeps its hosts and retries after the failure back-off. */
function handleFailure(state: DnsClusterState): number {
  state.listener.onStat('update_failure');
  const next = getFailureDelayMs(state.cluster, state.backoff, state.random);
  state.backoff = next.backoff;
  return next.delayMs;
}

/** Calls `resolve`, turning a rejection (a bug in the resolver) into a failed resolution. */
async function resolveSafely(
  resolve: Resolve,
  name: string,
  cluster: ClusterConfig,
): Promise<ResolveOutcome> {
  try {
    return await resolve(name, cluster.dnsLookupFamily);
  } catch (error) {
    return { status: 'failure', reason: error instanceof Error ? error.message : String(error) };
  }
}
