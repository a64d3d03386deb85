import { ClusterError } from '../../errors.js';
import type { ProgressSink } from '../../progress.js';
import type { ConfigReload } from '../../results/types.js';
import { listAppPods } from './app-pods.js';
import { callKube } from './kube-api.js';
import type { KubeSession } from './kube-session.js';
import {
  NGINX_DISCOVERY_LOG_PREFIX,
  NGINX_OLD_WORKERS_WAIT_MS,
  NGINX_RELOAD_LOG_PREFIX,
} from './nginx-discovery-script.js';
import { parseNginxDiscoveryLog, toConfigReloads, type NginxDiscoveryLog } from './nginx-reload-log.js';
import { NAMES } from './render-manifests.js';
import { formatSeconds, waitUntil } from './wait.js';

/** The nginx row's pod of one run: its name, and the Deployment (and container) it belongs to. */
export interface NginxRowPod {
  readonly pod: string;
  readonly deployment: string;
}

async function readDiscoveryLog(
  session: KubeSession,
  target: NginxRowPod,
  signal: AbortSignal,
): Promise<NginxDiscoveryLog> {
  const log = await callKube(session.clients, `reading the log of nginx pod ${target.pod}`, signal, () =>
    session.clients.core.readNamespacedPodLog({
      name: target.pod,
      namespace: session.namespace,
      container: target.deployment,
    }),
  );
  return parseNginxDiscoveryLog(log);
}

function formatList(addresses: readonly string[]): string {
  return `[${[...addresses].sort().join(', ')}]`;
}

/**
 * Waits until the upstream the nginx row's pod serves (its newest `lbbench-discovery`/`lbbench-reload` line) lists
 * exactly the Ready myapp pods' IPs, so that a run measures nginx with the pods it is verified to start from.
 * @throws ClusterError on timeout, naming the Deployment, the Ready pods and what the pod's log listed.
 */
export async function waitForNginxToList(
  session: KubeSession,
  target: NginxRowPod & { readonly timeoutMs: number },
  signal: AbortSignal,
): Promise<void> {
  const deployment = `${session.namespace}/${target.deployment}`;
  await waitUntil(
    session.waitSettings(target.timeoutMs, signal),
    `nginx (pod ${target.pod} of Deployment ${deployment}) to list the Ready ${NAMES.app} pods`,
    `Its discovery loop logs one ${NGINX_DISCOVERY_LOG_PREFIX}/${NGINX_RELOAD_LOG_PREFIX} line per upstream it serves; check \`kubectl -n ${session.namespace} logs ${target.pod}\`.`,
    async () => {
      const ready = (await listAppPods(session, signal)).filter((p) => p.ready).map((p) => p.ip);
      const latest = (await readDiscoveryLog(session, target, signal)).generations.at(-1);
      const expected = `expected ${formatList(ready)} (the Ready ${NAMES.app} pods)`;
      if (latest === undefined) {
        return { done: false, status: `no ${NGINX_DISCOVERY_LOG_PREFIX} line in its log yet; ${expected}` };
      }
      const listed = formatList(latest.servers);
      return {
        done: ready.length > 0 && listed === formatList(ready),
        status: `its upstream (generation ${latest.generation}) lists ${listed}; ${expected}`,
      };
    },
  );
}

/**
 * The reloads the nginx row's pod logged since it started (each run rolls a fresh pod), read when the run ends; see
 * {@link toConfigReloads} for what `changedAt` and `lagMs` measure. Lines that do not parse and reloads whose old
 * workers never exited are left out, with a counted warning; a log the API will not give (e.g. the pod is gone) leaves
 * no reloads and a warning, and the run keeps its counts.
 */
export async function readNginxReloads(
  session: KubeSession,
  target: NginxRowPod & { readonly row: string; readonly progress: ProgressSink },
  signal: AbortSignal,
): Promise<readonly ConfigReload[]> {
  let log: NginxDiscoveryLog;
  try {
    log = await readDiscoveryLog(session, target, signal);
  } catch (error) {
    // The run's counts are measured already: a log that cannot be read costs the reloads, not the run.
    if (!(error instanceof ClusterError)) throw error;
    target.progress.warn(`row ${target.row}: no configReloads: ${error.message}`);
    return [];
  }
  const { reloads, unserved } = toConfigReloads(log);
  const [firstUnparsed] = log.unparsedLines;
  if (firstUnparsed !== undefined) {
    target.progress.warn(
      `row ${target.row}: ignored ${log.unparsedLines.length} line(s) of pod ${target.pod}'s log that start like a discovery line but do not parse, the first: "${firstUnparsed}"`,
    );
  }
  if (unserved > 0) {
    target.progress.warn(
      `row ${target.row}: ${unserved} reload(s) of pod ${target.pod} have no lag: the old config's workers had not exited ${formatSeconds(NGINX_OLD_WORKERS_WAIT_MS)} after \`nginx -s reload\`; they are not in configReloads`,
    );
  }
  return reloads;
}
