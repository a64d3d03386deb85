import { HealthCheckSession, type HealthCheckConfig } from 'lbbench-proxy';

/** How a probe to a pod went, decided when it is sent: passed (200), a response failure (503), or a fault. */
export type ProbeResult = 'passed' | 'active' | 'network' | 'timeout';

/** What the checker needs from the simulation. */
export interface SimHealthCheckerDeps {
  /** Sends a probe to `pod` now: its result, and how long until it is known (before the checker's timeout). */
  readonly probe: (pod: number) => { readonly result: ProbeResult; readonly durationMs: number };
  /** Queues the checker's next step for `pod` at `timeMs`: a probe goes out, or the one in flight ends. */
  readonly schedule: (timeMs: number, pod: number, step: HealthCheckStep) => void;
  /** A check of `pod` ended and changed (or confirmed) its health. */
  readonly onCheck: (pod: number, isPassed: boolean, isChanged: boolean, timeMs: number) => void;
}

/** A health check as the simulated proxy gets it: its config, how probes reach the pods, and its phase. */
export interface SimHealthCheckSetup extends Pick<SimHealthCheckerDeps, 'probe' | 'schedule'> {
  readonly config: HealthCheckConfig;
  /** When the checks after the proxy's first ones go out, from the start (see `SimHealthChecker.setHosts`). */
  readonly warmUpNextMs: number;
}

/** The two steps of a check: the probe is sent, then its result arrives (or the timeout fires). */
export const HEALTH_CHECK_STEP = { send: 0, end: 1 } as const;
export type HealthCheckStep = (typeof HEALTH_CHECK_STEP)[keyof typeof HEALTH_CHECK_STEP];

interface PodCheck {
  readonly session: HealthCheckSession;
  /** The result of the probe in flight. */
  result: ProbeResult;
}

/**
 * A cluster's active HTTP health checker on simulated time, as lbbench-proxy's `HttpHealthChecker` runs it on its
 * main thread, with the proxy's own per-host state machine (`HealthCheckSession`: a new host starts
 * FAILED_ACTIVE_HC and its first passing check clears it; later `healthy_threshold` passes in a row clear it; a
 * 503 fails the host at once, a refused connection or a timeout after `unhealthy_threshold` in a row). The next
 * probe goes out the session's interval after the previous one ended. A probe does not take one of the pod's
 * capacity slots (the pod server would queue it with the traffic).
 */
export class SimHealthChecker {
  readonly #config: HealthCheckConfig;
  readonly #deps: SimHealthCheckerDeps;
  readonly #checks = new Map<number, PodCheck>();

  constructor(config: HealthCheckConfig, deps: SimHealthCheckerDeps) {
    this.#config = config;
    this.#deps = deps;
  }

  /**
   * Follows the cluster's hosts: removed pods are no longer checked, new pods are checked from `timeMs` on. With
   * `warmUpNextMs` (the proxy starting) the first check of every new pod completes at once, as the proxy waits for
   * those checks before it takes traffic, and the next goes out `warmUpNextMs` later: the proxy started checking
   * some unknown time before the load did, so the checks' phase is drawn, as the first DNS refresh's is.
   */
  setHosts(pods: readonly number[], timeMs: number, warmUpNextMs: number | undefined): void {
    const next = new Set(pods);
    for (const pod of this.#checks.keys()) if (!next.has(pod)) this.#checks.delete(pod);
    for (const pod of pods) {
      if (this.#checks.has(pod)) continue;
      const check: PodCheck = {
        session: new HealthCheckSession(this.#config, { excludeUntilFirstCheck: false }),
        result: 'passed',
      };
      this.#checks.set(pod, check);
      if (warmUpNextMs !== undefined) {
        this.#probe(check, pod);
        this.#end(pod, timeMs, warmUpNextMs);
      } else {
        this.#deps.schedule(timeMs, pod, HEALTH_CHECK_STEP.send);
      }
    }
  }

  /** Whether `pod` is failed by active health checking (FAILED_ACTIVE_HC); false for a pod not checked. */
  isFailed(pod: number): boolean {
    return this.#checks.get(pod)?.session.hostFlags.failedActiveHc === true;
  }

  /** Runs a queued step of `pod`'s check (ignored once the pod is no longer checked). */
  onStep(pod: number, step: number, timeMs: number): void {
    if (!this.#checks.has(pod)) return;
    if (step === HEALTH_CHECK_STEP.send) this.#send(pod, timeMs);
    else this.#end(pod, timeMs, undefined);
  }

  /**
   * The probe in flight ended: the session takes its result, the next probe is queued after its interval (or
   * `nextSendInMs`).
   */
  #end(pod: number, timeMs: number, nextSendInMs: number | undefined): void {
    const check = this.#checks.get(pod);
    if (check === undefined) return;
    const { session, result } = check;
    const isPassed = result === 'passed';
    const transition = isPassed ? session.onSuccess() : session.onFailure(result);
    this.#deps.onCheck(pod, isPassed, transition === 'changed', timeMs);
    if (this.#checks.get(pod) !== check) return;
    // No jitter is configured (the scenario's checks set none), so the source is never drawn from.
    const intervalMs = nextSendInMs ?? session.nextIntervalMs(transition, true, () => 0);
    this.#deps.schedule(timeMs + intervalMs, pod, HEALTH_CHECK_STEP.send);
  }

  #send(pod: number, timeMs: number): void {
    const check = this.#checks.get(pod);
    if (check !== undefined)
      this.#deps.schedule(timeMs + this.#probe(check, pod), pod, HEALTH_CHECK_STEP.end);
  }

  /** Probes `pod`, keeps the result in `check`, and returns how long until it is known (the timeout at most). */
  #probe(check: PodCheck, pod: number): number {
    const { result, durationMs } = this.#deps.probe(pod);
    const isTimedOut = result === 'timeout' || durationMs > this.#config.timeoutMs;
    check.result = isTimedOut ? 'timeout' : result;
    return isTimedOut ? this.#config.timeoutMs : durationMs;
  }
}
