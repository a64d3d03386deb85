import type { RunLocalGeneratorsOptions } from '../load/run-local-generators.js';
import type { ConfigReload, LoadRecord } from '../results/types.js';
import type { OtherProxy } from '../scenario/proxy-rows.js';
import type { BackendKind, PodFault, PolicyEntry, ProxyKind } from '../scenario/types.js';

/** A myapp pod: its name, the address the proxy reaches it at, and readiness. */
export interface Pod {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly ready: boolean;
}

/** What produced a run's numbers: which proxy binary/image and its version (`cluster-ip`: the Service's L4 path). */
export interface ProxyInfo {
  readonly kind: ProxyKind | 'custom' | 'cluster-ip' | OtherProxy;
  readonly version: string;
  /** The command line or image that ran. */
  readonly command: string;
  /** False for a proxy that takes no seed (a real Envoy): results.json then records the run as unseeded. */
  readonly isSeeded: boolean;
  /** How the balancer learns of pod changes, when it is not the Envoy-style STRICT_DNS re-resolution. */
  readonly podDiscovery?: string;
}

/** What deploying a row's proxy needs from the run: the row (its policy and settings) and the run's seed. */
export interface ProxyDeployment {
  readonly row: PolicyEntry;
  /** The run's seed, handed to the bundled proxy as `--seed`. */
  readonly seed: number;
}

/**
 * Where a row's per-pod counts come from. The run loop reads them through `src/run/counter-reader.ts`; a balancer
 * with counters in another format adds a member here and its reader there.
 */
export type CounterSource =
  /** An Envoy-style admin endpoint (the bundled proxy, a real Envoy): per-host `/clusters` counters. */
  | { readonly kind: 'envoy-clusters'; readonly adminUrl: string }
  /**
   * HAProxy's stats page (`<statsUrl>;csv`): per server-slot counters, mapped to pods by address; `stot` is a
   * pod's request count (see `src/collect/parse-haproxy-stats.ts` for every column).
   */
  | { readonly kind: 'haproxy-stats'; readonly statsUrl: string }
  /** No per-host counters (CLUSTER_IP, nginx OSS): the client's `X-Upstream-Pod` tally is the count. */
  | { readonly kind: 'client-tally' };

/** One of the {@link CounterSource} kinds, as results.json records it. */
export type CounterSourceKind = CounterSource['kind'];

/** Every {@link CounterSourceKind}, for reading results.json back. */
export const COUNTER_SOURCE_KINDS = [
  'envoy-clusters',
  'haproxy-stats',
  'client-tally',
] as const satisfies readonly CounterSourceKind[];

/**
 * A row's deployed balancer (a proxy, or the ClusterIP path): where the load generator reaches it, where its
 * per-pod counts come from, and what it is.
 */
export interface ProxyEndpoints {
  readonly trafficUrl: string;
  readonly counters: CounterSource;
  readonly proxy: ProxyInfo;
  /**
   * Drives the measured load where the backend runs it (kind/kube: a Job of generators inside the cluster, against
   * `trafficUrl`, the proxy Service's cluster address); undefined: local generator processes against `trafficUrl`.
   */
  readonly runLoad?: (options: RunLocalGeneratorsOptions) => Promise<LoadRecord>;
  /**
   * A balancer reloaded on pod changes (nginx OSS): the reloads since it was deployed, read when a run ends (on
   * kind/kube from the balancer pod's log).
   */
  readonly configReloads?: (signal: AbortSignal) => Promise<readonly ConfigReload[]>;
}

/** Facts about the environment a backend built, recorded in results.json. */
export interface BackendEnvironment {
  readonly backend: BackendKind;
  /** e.g. `nginx/1.22.1` or `node-builtin` or `nginx:1.10`. */
  readonly upstreamServer: string;
  /** Free-form details: cluster name, context, Kubernetes version, DNS server address… */
  readonly details: Readonly<Record<string, string>>;
}

/**
 * A place to run the myapp pods and the proxy. Every long operation takes the run's AbortSignal;
 * `down` must be safe to call at any time, more than once, and after a failed `up`. Any other method called while
 * the backend is not up rejects with `BackendNotUpError`.
 */
export interface Backend {
  readonly kind: BackendKind;
  up(signal: AbortSignal): Promise<void>;
  /**
   * Brings the cluster back to the scenario's initial state before a run: the initial replica count, the scenario's
   * per-pod delays, killed pods replaced by fresh ones (new names, as a Deployment would), slow events undone.
   * Returns once the change is made; src/run waits for readiness and verifies the pod set.
   */
  reset(signal: AbortSignal): Promise<void>;
  deployProxy(deployment: ProxyDeployment, signal: AbortSignal): Promise<ProxyEndpoints>;
  pods(signal: AbortSignal): Promise<readonly Pod[]>;
  scale(replicas: number, signal: AbortSignal): Promise<void>;
  kill(podName: string, signal: AbortSignal): Promise<void>;
  slow(podName: string, delayMs: number, signal: AbortSignal): Promise<void>;
  /** Makes the pod answer 503 to everything (`fail`), hold every request unanswered (`hang`), or serve as planned (`none`). */
  setFault(podName: string, fault: PodFault, signal: AbortSignal): Promise<void>;
  removeProxy(): Promise<void>;
  down(): Promise<void>;
  environment(): BackendEnvironment;
}
