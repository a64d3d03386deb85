import type { Backend, Pod, ProxyDeployment, ProxyEndpoints } from '../backends/backend.js';
import { ClusterError } from '../errors.js';
import type { ProgressSink } from '../progress.js';
import type { Scenario } from '../scenario/types.js';
import { addTimeout, throwIfAborted } from './abort.js';
import { describeHostDifference, listHostIps } from './cluster-hosts.js';
import { createCounterReader, type CounterReader } from './counter-reader.js';
import { formatPodAddress } from './pod-address.js';
import type { RunDrivers } from './run-drivers.js';
import { done, notYet, waitFor, type Poll } from './wait.js';

/** Long enough for a Deployment rollout on a fresh cluster (image pulls); local pods are Ready in well under 1 s. */
const PODS_TIMEOUT_MS = 300_000;
const POLL_INTERVAL_MS = 100;
/** One /clusters request while waiting; a proxy that accepts but never answers is asked again. */
const ADMIN_REQUEST_TIMEOUT_MS = 2_000;
/** Beyond two DNS refreshes: the proxy's start and, on Kubernetes, the endpoints reaching the cluster DNS. */
const CONVERGENCE_SLACK_MS = 30_000;

/** What starting a run needs. */
export interface StartRunOptions {
  readonly backend: Backend;
  readonly scenario: Scenario;
  readonly deployment: ProxyDeployment;
  readonly signal: AbortSignal;
  readonly progress: ProgressSink;
  readonly drivers: RunDrivers;
}

/** A run that may measure: its proxy, and the pods it was verified to start from. */
export interface StartedRun {
  readonly endpoints: ProxyEndpoints;
  readonly initialPods: readonly Pod[];
}

/**
 * The run contract: resets the backend to the scenario's initial state, waits until exactly the initial number of
 * pods are Ready (and no other pod is listed), deploys the row's balancer with the run's seed, waits until its
 * counters (`/clusters`) list exactly those pods, and checks that the pods did not change meanwhile. A balancer
 * without per-host counters (CLUSTER_IP) has no host list to wait for: its backend returns it once it routes to the
 * Ready pods. On a failure after the balancer was deployed, it is removed before the error is rethrown.
 * @throws ClusterError when the pods or the proxy's hosts do not reach that state in time; AbortedError.
 */
export async function startFromInitialPods(options: StartRunOptions): Promise<StartedRun> {
  const { backend, scenario, signal } = options;
  await backend.reset(signal);
  const initialPods = await waitForInitialPods(options);
  throwIfAborted(signal, 'deploying the proxy');
  const endpoints = await backend.deployProxy(options.deployment, signal);
  try {
    const reader = createCounterReader(endpoints.counters, options.drivers);
    if (reader !== undefined) await waitForHosts(reader, initialPods, options);
    checkPodsUnchanged(initialPods, await backend.pods(signal));
  } catch (error) {
    await backend.removeProxy().catch((removalError: unknown) => {
      options.progress.warn(
        `removing the ${options.deployment.row.name} proxy failed: ${String(removalError)}`,
      );
    });
    throw error;
  }
  options.progress.update(
    `${scenario.replicas} pods Ready${endpoints.counters.kind === 'client-tally' ? '' : ' and listed by the proxy'}`,
  );
  return { endpoints, initialPods };
}

function waitForInitialPods(options: StartRunOptions): Promise<readonly Pod[]> {
  const { backend, scenario, signal } = options;
  const replicas = scenario.replicas;
  return waitFor(
    async (): Promise<Poll<readonly Pod[]>> => {
      const pods = await backend.pods(signal);
      const ready = pods.filter((pod) => pod.ready).length;
      const others = pods.length - ready;
      return ready === replicas && others === 0
        ? done(pods)
        : notYet(`${ready}/${replicas} Ready${others > 0 ? `, ${others} not Ready` : ''}`);
    },
    {
      what: `the ${replicas} initial myapp pods to be Ready`,
      hint: `The ${backend.kind} backend's reset did not bring the cluster back to the scenario's ${replicas} pods.`,
      timeoutMs: PODS_TIMEOUT_MS,
      intervalMs: POLL_INTERVAL_MS,
      signal,
      clock: options.drivers.clock,
      progress: options.progress,
    },
  );
}

/** How long the proxy may take to list the pods: two DNS refreshes (or TTLs, at most 30 s) plus slack. */
export function getConvergenceTimeoutMs(scenario: Scenario): number {
  const { dnsRefreshRateMs, respectDnsTtl } = scenario.proxy;
  return 2 * Math.max(dnsRefreshRateMs, respectDnsTtl ? 30_000 : 0) + CONVERGENCE_SLACK_MS;
}

async function waitForHosts(
  reader: CounterReader,
  pods: readonly Pod[],
  options: StartRunOptions,
): Promise<void> {
  const expected = pods.map((pod) => pod.ip).sort();
  await waitFor(
    async (): Promise<Poll<true>> => {
      const fetched = await reader
        .read({
          signal: addTimeout(options.signal, ADMIN_REQUEST_TIMEOUT_MS),
          now: options.drivers.clock.now,
        })
        .then(
          (snapshot) => ({ snapshot }),
          (error: unknown) => ({ error }),
        );
      if ('error' in fetched) {
        throwIfAborted(options.signal, 'waiting for the proxy');
        return notYet(`admin not answering (${String(fetched.error)})`);
      }
      const listed = listHostIps(fetched.snapshot);
      return listed.join(',') === expected.join(',')
        ? done(true)
        : notYet(describeHostDifference(listed, expected));
    },
    {
      what: `${reader.description} to list exactly the ${expected.length} Ready pods`,
      hint: "The proxy resolves the headless Service every dns_refresh_rate: check its log, and that it uses the backend's DNS.",
      timeoutMs: getConvergenceTimeoutMs(options.scenario),
      intervalMs: POLL_INTERVAL_MS,
      signal: options.signal,
      clock: options.drivers.clock,
      progress: options.progress,
    },
  );
}

/** @throws ClusterError when the Ready pods are no longer `initial` (a pod restarted, left or came). */
function checkPodsUnchanged(initial: readonly Pod[], now: readonly Pod[]): void {
  const describe = (pods: readonly Pod[]): string =>
    pods.map((pod) => `${pod.name} ${formatPodAddress(pod)}${pod.ready ? '' : ' (not Ready)'}`).join(', ');
  if (describe(initial) !== describe(now)) {
    throw new ClusterError(
      `the pods changed between the reset and the start of the run: they were [${describe(initial)}], now [${describe(now)}]. Something else is changing the cluster; the run would not start from the scenario's pods.`,
    );
  }
}
