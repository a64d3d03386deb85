import { HaproxyStatsReader } from '../../collect/haproxy-stats-client.js';
import type { OtherProxyRow } from '../../scenario/proxy-rows.js';
import type { ProxyEndpoints } from '../backend.js';
import { HAPROXY_BACKEND } from '../other-proxies/haproxy-config.js';
import { countServerSlots, describeHaproxyDiscovery } from '../other-proxies/row-settings.js';
import { listAppPods } from './app-pods.js';
import type { KubeDeployConfig } from './deploy-config.js';
import type { KubeSession, KubeTimeouts } from './kube-session.js';
import type { PodObject } from './manifest-types.js';
import {
  OTHER_PROXY_IMAGES,
  OTHER_PROXY_PORTS,
  renderHaproxyManifests,
  renderNginxManifests,
  type OtherProxyManifests,
} from './other-proxy-manifests.js';
import { APP_PORT, NAMES } from './render-manifests.js';
import { waitForRollout } from './rollout.js';
import { waitUntil } from './wait.js';
import { readNginxReloads, waitForNginxToList } from './nginx-row-discovery.js';
import type { ProgressSink } from '../../progress.js';

/** How the nginx row's pod learns of pod changes on kind/kube, as results.json records it. */
export function describeNginxPodDiscovery(dnsRefreshRateMs: number): string {
  return (
    `in-pod loop: re-resolves the headless Service every ${dnsRefreshRateMs} ms (getent through the cluster DNS), ` +
    'rewrites the upstream and runs nginx -s reload on every change (one lbbench-reload line each in the pod log, ' +
    'read into configReloads); lag: up to one interval until the loop sees a change, then the reload (lagMs)'
  );
}

/** The manifests of a HAProxy or nginx row for one run. */
export function renderOtherProxy(
  config: KubeDeployConfig,
  run: { readonly row: OtherProxyRow; readonly deploymentId: string },
): OtherProxyManifests {
  const common = {
    namespace: config.namespace,
    row: run.row.name,
    clusterDomain: config.clusterDomain,
    podPort: APP_PORT,
    concurrency: config.proxy.concurrency,
    deploymentId: run.deploymentId,
    dnsRefreshRateMs: config.dns.dnsRefreshRateMs,
  };
  return run.row.proxy === 'haproxy'
    ? renderHaproxyManifests({ ...common, policy: run.row.policy, slots: countServerSlots(config.scenario) })
    : renderNginxManifests({ ...common, policy: run.row.policy });
}

/** The row's Service address, which the load Job's generators drive. */
export function getOtherProxyServiceUrl(manifests: OtherProxyManifests, config: KubeDeployConfig): string {
  const name = manifests.service.metadata?.name ?? '';
  return `http://${name}.${config.namespace}.svc.${config.clusterDomain}:${OTHER_PROXY_PORTS.traffic}`;
}

/**
 * Deploys a HAProxy or nginx row for one run: its ConfigMap, Service and Deployment (the pod template's
 * `deploymentId` annotation rolls a fresh pod), waits for exactly that pod. HAProxy: port-forwards its stats port
 * only and waits until its stats list the Ready myapp pods; its per-pod counts are the stats CSV, cross-checked with
 * the client tally. nginx: waits until the pod's log shows an upstream of exactly the Ready myapp pods; counted from
 * the client tally (nginx OSS has no per-server counters), its reloads read from the pod's log when the run ends.
 */
export async function rollOutOtherProxy(
  session: KubeSession,
  inputs: {
    readonly config: KubeDeployConfig;
    readonly row: OtherProxyRow;
    readonly deploymentId: string;
    readonly timeouts: KubeTimeouts;
    readonly progress: ProgressSink;
  },
  signal: AbortSignal,
): Promise<Omit<ProxyEndpoints, 'runLoad'>> {
  const { config, row, deploymentId } = inputs;
  const manifests = renderOtherProxy(config, { row, deploymentId });
  await session.apply({ kind: 'ConfigMap', body: manifests.configMap }, signal);
  await session.apply({ kind: 'Service', body: manifests.service }, signal);
  await session.apply({ kind: 'Deployment', body: manifests.deployment }, signal);
  const name = manifests.deployment.metadata?.name ?? '';
  const [pod] = await waitForRollout(
    session.clients,
    {
      namespace: config.namespace,
      name,
      replicas: 1,
      isCurrent: (candidate: PodObject) =>
        candidate.metadata?.annotations?.[NAMES.deploymentAnnotation] === deploymentId,
    },
    session.waitSettings(inputs.timeouts.rolloutMs, signal),
  );
  const image = OTHER_PROXY_IMAGES[row.proxy];
  const proxy = {
    kind: row.proxy,
    version: image,
    command: `Deployment ${config.namespace}/${name} (${image})`,
    isSeeded: false,
  };
  const trafficUrl = getOtherProxyServiceUrl(manifests, config);
  if (row.proxy === 'nginx') {
    const target = { pod: pod?.metadata?.name ?? '', deployment: name };
    await waitForNginxToList(session, { ...target, timeoutMs: inputs.timeouts.clustersMs }, signal);
    return {
      trafficUrl,
      counters: { kind: 'client-tally' },
      proxy: { ...proxy, podDiscovery: describeNginxPodDiscovery(config.dns.dnsRefreshRateMs) },
      configReloads: (runSignal) =>
        readNginxReloads(session, { ...target, row: row.name, progress: inputs.progress }, runSignal),
    };
  }
  // Only the stats page crosses a port-forward; the measured load runs inside the cluster (run-load-job.ts).
  const stats = await session.forward(pod?.metadata?.name ?? '', OTHER_PROXY_PORTS.stats);
  const statsUrl = `${stats.url}/stats`;
  await waitForStatsToList(session, { statsUrl, timeouts: inputs.timeouts }, signal);
  return {
    trafficUrl,
    counters: { kind: 'haproxy-stats', statsUrl },
    proxy: { ...proxy, podDiscovery: describeHaproxyDiscovery(config.dns.dnsRefreshRateMs) },
  };
}

/** Waits until HAProxy's stats list exactly the Ready myapp pods' addresses in its server slots. */
async function waitForStatsToList(
  session: KubeSession,
  inputs: { readonly statsUrl: string; readonly timeouts: KubeTimeouts },
  signal: AbortSignal,
): Promise<void> {
  const settings = session.waitSettings(inputs.timeouts.clustersMs, signal);
  const reader = new HaproxyStatsReader({
    statsUrl: inputs.statsUrl,
    backend: HAPROXY_BACKEND,
    clusterName: NAMES.app,
  });
  await waitUntil(
    settings,
    `HAProxy's stats (${inputs.statsUrl};csv) to list the Ready ${NAMES.app} pods`,
    `HAProxy resolves ${NAMES.app} through the cluster DNS (resolvers cluster, parse-resolv-conf); check its pod log.`,
    async () => {
      const ready = (await listAppPods(session, signal)).filter((p) => p.ready).map((p) => p.ip);
      const snapshot = await reader.read({ now: settings.now, signal });
      const listed = (snapshot.clusters[0]?.hosts ?? []).map((host) => host.address.split(':')[0] ?? '');
      const isDone = ready.length > 0 && [...ready].sort().join(',') === [...listed].sort().join(',');
      return { done: isDone, status: `stats list [${listed.join(', ')}], Ready [${ready.join(', ')}]` };
    },
  );
}
