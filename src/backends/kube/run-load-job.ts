import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError } from '../../errors.js';
import { buildLoadRecord } from '../../load/load-record.js';
import { mergeGeneratorReports } from '../../load/merge-generator-reports.js';
import { readGeneratorReport } from '../../load/read-generator-report.js';
import type { RunLocalGeneratorsOptions } from '../../load/run-local-generators.js';
import type { LoadRecord } from '../../results/types.js';
import { callKube } from './kube-api.js';
import type { KubeSession } from './kube-session.js';
import { GENERATOR_CONTAINER, renderLoadJob } from './load-job-manifest.js';
import type { PodObject } from './manifest-types.js';
import { waitUntil } from './wait.js';

/** When the `/clusters` snapshot is taken, before the common start time. */
const SNAPSHOT_LEAD_MS = 200;
/** How long after the window a generator may take to finish its in-flight requests and print its report. */
const REPORT_GRACE_MS = 30_000;

/** What a Job run needs besides the load: where it runs, against what, and how long its pods may take to start. */
export interface LoadJobInputs {
  readonly jobName: string;
  readonly image: string;
  /** The proxy Service's in-cluster address. */
  readonly url: string;
  /** From the Job's creation to the common start: scheduling, image start and each generator's warm-up. */
  readonly startLeadMs: number;
}

/** The report line of a generator's log: the one JSON object that is not a progress event. */
export function findReportLine(log: string): unknown {
  let report: unknown;
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !('event' in value)) report = value;
    } catch {
      // Not JSON: a line of another tool's output, not the report.
    }
  }
  return report;
}

function describePod(pod: PodObject): string {
  const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
  return `${pod.metadata?.name ?? '?'} ${pod.status?.phase ?? 'Pending'}${waiting === undefined ? '' : ` (${waiting})`}`;
}

async function listJobPods(session: KubeSession, jobName: string, signal: AbortSignal): Promise<PodObject[]> {
  const list = await callKube(session.clients, `listing the pods of Job ${jobName}`, signal, () =>
    session.clients.core.listNamespacedPod({
      namespace: session.namespace,
      labelSelector: `lbbench.dev/load-job=${jobName}`,
    }),
  );
  return list.items;
}

function readLog(session: KubeSession, pod: string, signal: AbortSignal): Promise<string> {
  return callKube(session.clients, `reading the log of ${pod}`, signal, () =>
    session.clients.core.readNamespacedPodLog({
      name: pod,
      namespace: session.namespace,
      container: GENERATOR_CONTAINER,
    }),
  );
}

/**
 * Runs a measured window as a Job of `load.generators` pods inside the cluster (see `load-job-manifest.ts`): the
 * generators warm up, all start measuring at one epoch time (the `/clusters` snapshot is taken just before it) and
 * stop together; each pod's report is read from its log and merged exactly, as the local processes' are.
 * @throws ClusterError when a generator fails (with its log's tail) or the Job does not finish in time.
 */
export async function runLoadJob(
  session: KubeSession,
  inputs: LoadJobInputs,
  options: RunLocalGeneratorsOptions,
  timeouts: { readonly jobStartMs: number },
): Promise<LoadRecord> {
  const { load, signal } = options;
  const startAtMs = Date.now() + inputs.startLeadMs;
  const job = renderLoadJob({
    name: inputs.jobName,
    namespace: session.namespace,
    image: inputs.image,
    url: inputs.url,
    load,
    podHeader: options.podHeader,
    startAtMs,
    keyDraw: options.keyDraw,
  });
  await session.createJob(job, signal);
  await sleep(Math.max(0, startAtMs - SNAPSHOT_LEAD_MS - Date.now()), undefined, { signal });
  await options.onMeasureStart?.();
  const finished = new Map<string, PodObject>();
  await waitUntil(
    session.waitSettings(
      inputs.startLeadMs + load.durationMs + REPORT_GRACE_MS + timeouts.jobStartMs,
      signal,
    ),
    `the ${load.generators} load generator(s) of Job ${inputs.jobName}`,
    `Check \`kubectl -n ${session.namespace} describe job ${inputs.jobName}\` and the logs of its pods.`,
    async () => {
      const pods = await listJobPods(session, inputs.jobName, signal);
      const failed = pods.find((pod) => pod.status?.phase === 'Failed');
      if (failed !== undefined) {
        const name = failed.metadata?.name ?? '';
        const tail = (await readLog(session, name, signal)).trimEnd().split('\n').slice(-5).join('\n');
        throw new ClusterError(`load generator ${name} of Job ${inputs.jobName} failed:\n${tail}`);
      }
      for (const pod of pods) {
        if (pod.status?.phase === 'Succeeded') finished.set(pod.metadata?.name ?? '', pod);
      }
      return {
        done: finished.size === load.generators,
        status: pods.map(describePod).join(', ') || 'no pods yet',
      };
    },
  );
  const reports = await Promise.all(
    [...finished.keys()].map(async (name) => {
      const source = `the log of ${session.namespace}/${name}`;
      return readGeneratorReport(findReportLine(await readLog(session, name, signal)), source);
    }),
  );
  await session.deleteJob(inputs.jobName);
  return buildLoadRecord({ merged: mergeGeneratorReports(reports), load, clientPath: 'in-cluster-job' });
}
