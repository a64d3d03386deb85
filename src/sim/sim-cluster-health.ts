import {
  healthFlagBit,
  OUTLIER_COUNTERS_PER_HOST,
  OutlierCounters,
  OutlierDetector,
  recordOutlierResult,
  type Clock,
  type OutlierDetectionConfig,
  type OutlierResult,
} from 'lbbench-proxy';
import { SimHealthChecker, type SimHealthCheckSetup } from './sim-health-checker.js';
import type { SimHealthEvent } from './sim-types.js';

const FAILED_OUTLIER_CHECK = healthFlagBit('failed_outlier_check');
const FAILED_ACTIVE_HC = healthFlagBit('failed_active_hc');

/** What a cluster's simulated health is built from. */
export interface SimClusterHealthOptions {
  readonly maxPods: number;
  readonly now: Clock;
  /** Where the measured window starts, for the event log. */
  readonly windowStartMs: number;
  /** undefined: no outlier detection. */
  readonly outlierDetection: OutlierDetectionConfig | undefined;
  /** The active health check and how it reaches the pods; undefined: no health checking. */
  readonly healthCheck: SimHealthCheckSetup | undefined;
  /**
   * A pod's health changed: outlier detection ejected or returned it, or it failed or passed active health checking
   * (a pod DNS dropped that fails leaves the cluster; one that passes after failing starts a new slow-start window).
   */
  readonly onChange: (pod: number, change: SimHealthChange, timeMs: number) => void;
}

/** What changed a pod's health: outlier detection, or active health checking failing or passing it. */
export type SimHealthChange = 'outlier' | 'hc-fail' | 'hc-pass';

/**
 * A cluster's host health in the simulated proxy, as lbbench-proxy's main thread keeps it (server/cluster-health.ts)
 * and with its own classes: outlier detection (`OutlierDetector` over the shared `OutlierCounters`) and active
 * health checking ({@link SimHealthChecker} over `HealthCheckSession`). A check that passes on a host no longer
 * failing active checks un-ejects it (`successful_active_health_check_uneject_host`, on by default). Ejections
 * and health-check transitions are logged as health events.
 */
export class SimClusterHealth {
  readonly events: SimHealthEvent[] = [];
  readonly #outlier:
    | {
        readonly config: OutlierDetectionConfig;
        readonly counters: OutlierCounters;
        readonly detector: OutlierDetector;
      }
    | undefined;
  readonly #checker: SimHealthChecker | undefined;
  readonly #windowStartMs: number;
  readonly #onChange: SimClusterHealthOptions['onChange'];
  #pods = new Set<number>();
  readonly #warmUpNextMs: number;

  constructor(options: SimClusterHealthOptions) {
    this.#windowStartMs = options.windowStartMs;
    this.#onChange = options.onChange;
    const config = options.outlierDetection;
    if (config !== undefined) {
      const counters = new OutlierCounters(new ArrayBuffer(options.maxPods * OUTLIER_COUNTERS_PER_HOST * 4));
      const detector = new OutlierDetector(config, counters, {
        now: options.now,
        // Enforcement percentages and jitter: the configured 0 or 100 % make the draw irrelevant.
        random: () => 0,
        onChange: (event) => {
          this.#log(event.atMs, event.slot, event.action);
          this.#onChange(event.slot, 'outlier', event.atMs);
        },
      });
      this.#outlier = { config, counters, detector };
    }
    const check = options.healthCheck;
    this.#warmUpNextMs = check?.warmUpNextMs ?? 0;
    if (check !== undefined) {
      this.#checker = new SimHealthChecker(check.config, {
        probe: check.probe,
        schedule: check.schedule,
        onCheck: (pod, isPassed, isChanged, timeMs) => {
          this.#onCheck(pod, isPassed, isChanged, timeMs);
        },
      });
    }
  }

  /** Whether any health feature is on (the proxy then keeps a panic balancer per worker). */
  get isEnabled(): boolean {
    return this.#outlier !== undefined || this.#checker !== undefined;
  }

  /** The outlier detector's interval, or undefined without outlier detection. */
  get outlierIntervalMs(): number | undefined {
    return this.#outlier?.config.intervalMs;
  }

  /** The detector's interval tick (Envoy's onIntervalTimer). */
  onOutlierInterval(): void {
    this.#outlier?.detector.onIntervalTimer();
  }

  /** Feeds an attempt's result on `pod` to outlier detection, as the router does after each attempt. */
  reportResult(pod: number, result: OutlierResult): void {
    const outlier = this.#outlier;
    if (outlier === undefined) return;
    for (const counter of recordOutlierResult(outlier.counters, pod, result, outlier.config))
      outlier.detector.onConsecutiveError(pod, counter);
  }

  /** Follows the cluster's hosts; `isWarming`: the proxy is starting (see {@link SimHealthChecker.setHosts}). */
  onHosts(pods: readonly number[], timeMs: number, isWarming: boolean): void {
    const next = new Set(pods);
    for (const pod of this.#pods) if (!next.has(pod)) this.#outlier?.detector.removeHost(pod);
    for (const pod of pods) this.#outlier?.detector.addHost(pod);
    this.#pods = next;
    this.#checker?.setHosts(pods, timeMs, isWarming ? this.#warmUpNextMs : undefined);
  }

  /** Runs a queued step of a pod's health check. */
  onHealthCheckStep(pod: number, step: number, timeMs: number): void {
    this.#checker?.onStep(pod, step, timeMs);
  }

  /** Whether a pod DNS dropped stays as PENDING_DYNAMIC_REMOVAL: with health checking, while it passes. */
  keepsRemoved(pod: number): boolean {
    return this.#checker !== undefined && !this.#checker.isFailed(pod);
  }

  /** The pod's health flags (failed_outlier_check, failed_active_hc). */
  flagsOf(pod: number): number {
    const isEjected = this.#outlier?.detector.isEjected(pod) === true;
    const isFailed = this.#checker?.isFailed(pod) === true;
    return (isEjected ? FAILED_OUTLIER_CHECK : 0) | (isFailed ? FAILED_ACTIVE_HC : 0);
  }

  #onCheck(pod: number, isPassed: boolean, isChanged: boolean, timeMs: number): void {
    const isFailed = this.#checker?.isFailed(pod) === true;
    if (isPassed && !isFailed) this.#outlier?.detector.onHealthCheckPassed(pod);
    if (!isChanged) return;
    this.#log(timeMs, pod, isFailed ? 'hc-fail' : 'hc-pass');
    this.#onChange(pod, isFailed ? 'hc-fail' : 'hc-pass', timeMs);
  }

  #log(atMs: number, pod: number, action: SimHealthEvent['action']): void {
    this.events.push({ tMs: atMs - this.#windowStartMs, podId: pod, action });
  }
}
