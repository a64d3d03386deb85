import type { PodObject } from './manifest-types.js';

/** True when the pod's Ready condition is True. */
export function isPodReady(pod: PodObject): boolean {
  return (
    pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ===
    true
  );
}

/** True when the pod is being deleted or has finished (it no longer counts towards a rollout). */
export function isPodGone(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  return pod.metadata?.deletionTimestamp !== undefined || phase === 'Succeeded' || phase === 'Failed';
}

/** Why a pod is not Ready yet, e.g. `ImagePullBackOff: Back-off pulling image "x"`, or '' when nothing is known. */
export function getPodProblem(pod: PodObject): string {
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (waiting?.reason !== undefined && waiting.reason !== 'ContainerCreating') {
      return `${waiting.reason}${waiting.message === undefined ? '' : `: ${waiting.message}`}`;
    }
    const terminated = status.lastState?.terminated ?? status.state?.terminated;
    if (terminated?.reason !== undefined) {
      return `exited (${terminated.reason}, code ${terminated.exitCode})`;
    }
  }
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled !== undefined) {
    return `${unscheduled.reason ?? 'Unschedulable'}${unscheduled.message === undefined ? '' : `: ${unscheduled.message}`}`;
  }
  return '';
}

/** `name: problem` for each not-Ready pod that has a known problem, joined by `; `. */
export function describePodProblems(pods: readonly PodObject[]): string {
  return pods
    .filter((pod) => !isPodReady(pod))
    .map((pod) => ({ name: pod.metadata?.name ?? '?', problem: getPodProblem(pod) }))
    .filter((entry) => entry.problem !== '')
    .map((entry) => `${entry.name}: ${entry.problem}`)
    .join('; ');
}
