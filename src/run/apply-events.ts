import type { Backend, Pod } from '../backends/backend.js';
import type { AppliedEvent } from '../results/types.js';
import { getFaultOf } from '../scenario/pod-behavior.js';
import type { PodFault, ScenarioEvent } from '../scenario/types.js';
import type { Clock } from './clock.js';

/** What applying a scenario's events needs: the backend, the window's clock, and where to record and snapshot. */
export interface EventContext {
  readonly backend: Backend;
  readonly signal: AbortSignal;
  /** `clock.now()` when the measured window started; events fire `atMs` after it. */
  readonly windowStartMs: number;
  readonly clock: Clock;
  /** Each applied event is pushed here as it happens. */
  readonly applied: AppliedEvent[];
  /** Runs right before each event (a /clusters snapshot, so a leaving pod's counts are kept). */
  readonly beforeEach: () => Promise<void>;
  /** Runs right after each event (re-reads the pods). */
  readonly afterEach: () => Promise<void>;
}

/**
 * Applies the scenario's events (scale, kill, slow, fail, hang, recover) in time order, each `atMs` after the measured window started,
 * on the backend; once `signal` has aborted, no further event is applied.
 * @throws AbortedError when `signal` aborts while waiting for an event, and whatever the backend throws.
 */
export async function applyScenarioEvents(
  scheduled: readonly ScenarioEvent[],
  context: EventContext,
): Promise<void> {
  const ordered = [...scheduled].sort((a, b) => a.atMs - b.atMs);
  for (const event of ordered) {
    const waitMs = event.atMs - (context.clock.now() - context.windowStartMs);
    if (waitMs > 0) await context.clock.sleep(waitMs, context.signal);
    if (context.signal.aborted) return;
    await context.beforeEach();
    const pods = await context.backend.pods(context.signal);
    const detail = await applyEvent(event, pods, context.backend, context.signal);
    const podName = event.action === 'scale' ? undefined : pods[event.pod]?.name;
    context.applied.push({
      ...event,
      appliedAtMs: Math.round(context.clock.now() - context.windowStartMs),
      detail,
      ...(podName === undefined ? {} : { podName }),
    });
    await context.afterEach();
  }
}

/** What a pod does from a fault event on, for the event log. */
const FAULT_DETAILS: Readonly<Record<PodFault, string>> = {
  fail: 'now answers 503 to every request',
  hang: 'now accepts requests and never answers them',
  none: 'recovered: it serves as the scenario planned',
};

async function applyEvent(
  event: ScenarioEvent,
  pods: readonly Pod[],
  backend: Backend,
  signal: AbortSignal,
): Promise<string> {
  switch (event.action) {
    case 'scale':
      await backend.scale(event.replicas, signal);
      return `scaled myapp from ${pods.length} to ${event.replicas} replicas`;
    case 'kill': {
      const pod = pods[event.pod];
      if (pod === undefined) return `no pod #${event.pod} to kill (${pods.length} pods)`;
      await backend.kill(pod.name, signal);
      return `killed ${pod.name} (${pod.ip})`;
    }
    case 'slow': {
      const pod = pods[event.pod];
      if (pod === undefined) return `no pod #${event.pod} to slow down (${pods.length} pods)`;
      await backend.slow(pod.name, event.delayMs, signal);
      return `${pod.name} now answers ${event.delayMs} ms later`;
    }
    default: {
      const pod = pods[event.pod];
      if (pod === undefined) return `no pod #${event.pod} to ${event.action} (${pods.length} pods)`;
      const fault = getFaultOf(event.action);
      await backend.setFault(pod.name, fault, signal);
      return `${pod.name} ${FAULT_DETAILS[fault]}`;
    }
  }
}
