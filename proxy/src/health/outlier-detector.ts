import type { OutlierDetectionConfig } from '../types.js';
import type { ConsecutiveCounter, OutlierCounters, SuccessRateMonitorType } from './outlier-counters.js';

/** Envoy's outlier ejection types (envoy.data.cluster.v3.OutlierEjectionType) that this detector runs. */
export type EjectionType =
  | 'consecutive_5xx'
  | 'consecutive_gateway_failure'
  | 'consecutive_local_origin_failure'
  | 'success_rate'
  | 'local_origin_success_rate'
  | 'failure_percentage'
  | 'local_origin_failure_percentage';

/** Counters Envoy keeps under `cluster.<name>.outlier_detection.` (ALL_OUTLIER_DETECTION_STATS), in its order. */
export const OUTLIER_DETECTION_COUNTERS = [
  'ejections_consecutive_5xx',
  'ejections_detected_consecutive_5xx',
  'ejections_detected_consecutive_gateway_failure',
  'ejections_detected_success_rate',
  'ejections_detected_failure_percentage',
  'ejections_enforced_consecutive_5xx',
  'ejections_enforced_consecutive_gateway_failure',
  'ejections_enforced_success_rate',
  'ejections_enforced_failure_percentage',
  'ejections_detected_consecutive_local_origin_failure',
  'ejections_enforced_consecutive_local_origin_failure',
  'ejections_detected_local_origin_success_rate',
  'ejections_enforced_local_origin_success_rate',
  'ejections_detected_local_origin_failure_percentage',
  'ejections_enforced_local_origin_failure_percentage',
  'ejections_enforced_total',
  'ejections_overflow',
  'ejections_success_rate',
  'ejections_total',
] as const;
/** One of {@link OUTLIER_DETECTION_COUNTERS}. */
export type OutlierDetectionCounter = (typeof OUTLIER_DETECTION_COUNTERS)[number];

/** An ejection or un-ejection, for logs, events and the report. */
export interface OutlierEvent {
  readonly slot: number;
  readonly action: 'eject' | 'uneject';
  /** Set for `eject`. */
  readonly type?: EjectionType;
  readonly atMs: number;
  /** How many times this host has been ejected, this one included. */
  readonly numEjections: number;
}

/** What the detector is given instead of Envoy's dispatcher, runtime and random generator. */
export interface OutlierDetectorDeps {
  /** Monotonic time in ms. */
  readonly now: () => number;
  /** Uniform unsigned 32-bit integers (enforcement percentages and ejection jitter). */
  readonly random: () => number;
  /** Called after a host's FAILED_OUTLIER_CHECK flag changed. */
  readonly onChange: (event: OutlierEvent) => void;
}

interface HostMonitor {
  isEjected: boolean;
  numEjections: number;
  ejectTimeBackoff: number;
  lastEjectionMs: number | undefined;
  lastUnejectionMs: number | undefined;
  jitterMs: number;
  successRate: Record<SuccessRateMonitorType, number>;
}

/** Mean success rate and the threshold below which a host is ejected; -1 each when not computed. */
export interface SuccessRateFigures {
  readonly average: number;
  readonly ejectionThreshold: number;
}

const NOT_COMPUTED: SuccessRateFigures = { average: -1, ejectionThreshold: -1 };

/**
 * Envoy's success-rate threshold (DetectorImpl::successRateEjectionThreshold): mean minus `stdevFactor` times
 * the population standard deviation of the hosts' success rates. Pure.
 */
export function computeSuccessRateThreshold(
  rates: readonly number[],
  stdevFactor: number,
): SuccessRateFigures {
  const mean = rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
  const variance = rates.reduce((sum, rate) => sum + (rate - mean) ** 2, 0) / rates.length;
  return { average: mean, ejectionThreshold: mean - stdevFactor * Math.sqrt(variance) };
}

/**
 * One cluster's outlier detector, as Envoy's DetectorImpl runs it on the main thread: consecutive-error
 * ejections arrive from the request path ({@link onConsecutiveError}), and the interval tick
 * ({@link onIntervalTimer}, which the owner calls every `intervalMs`) un-ejects hosts whose time is up, runs
 * success-rate and failure-percentage ejection over the last interval's buckets, and decays the back-off of
 * hosts that stayed healthy. Pure: no sockets and no timers; time and randomness are injected, so the proxy's
 * main thread and the simulator run the same code.
 *
 * Ejection time: a host's back-off multiplier starts at 0 and grows by one per ejection while
 * `backoff × base < max + base`; an ejected host comes back at the first tick at least
 * `min(base × backoff, max) + jitter` after its ejection; every tick that finds a host un-ejected for at least
 * one interval takes one off its multiplier.
 *
 * `max_ejection_percent` is counted as Envoy 1.27+ does: an ejection happens only if
 * `100 × (ejected + 1) / hosts ≤ max_ejection_percent` (so with the default 10 % a cluster of fewer than ten
 * hosts never ejects), unless `always_eject_one_host` lets the first one through.
 */
export class OutlierDetector {
  /** Counters under `outlier_detection.` (cumulative). */
  readonly counters: Record<OutlierDetectionCounter, number>;
  private readonly monitors = new Map<number, HostMonitor>();
  private ejectionsActive = 0;
  private readonly figures: Record<SuccessRateMonitorType, SuccessRateFigures> = {
    external: NOT_COMPUTED,
    local: NOT_COMPUTED,
  };

  readonly config: OutlierDetectionConfig;
  private readonly store: OutlierCounters;
  private readonly deps: OutlierDetectorDeps;

  constructor(config: OutlierDetectionConfig, store: OutlierCounters, deps: OutlierDetectorDeps) {
    this.config = config;
    this.store = store;
    this.deps = deps;
    this.counters = Object.fromEntries(OUTLIER_DETECTION_COUNTERS.map((name) => [name, 0])) as Record<
      OutlierDetectionCounter,
      number
    >;
  }

  /** Gauge `outlier_detection.ejections_active`. */
  get activeEjections(): number {
    return this.ejectionsActive;
  }

  /** Starts monitoring a new host (its counters start from zero). */
  addHost(slot: number): void {
    if (this.monitors.has(slot)) return;
    this.store.clear(slot);
    this.monitors.set(slot, {
      isEjected: false,
      numEjections: 0,
      ejectTimeBackoff: 0,
      lastEjectionMs: undefined,
      lastUnejectionMs: undefined,
      jitterMs: 0,
      successRate: { external: -1, local: -1 },
    });
  }

  /** Stops monitoring a removed host; an ejected one no longer counts as active. */
  removeHost(slot: number): void {
    const monitor = this.monitors.get(slot);
    if (monitor === undefined) return;
    if (monitor.isEjected) this.ejectionsActive--;
    this.monitors.delete(slot);
  }

  /** Whether the host carries FAILED_OUTLIER_CHECK. */
  isEjected(slot: number): boolean {
    return this.monitors.get(slot)?.isEjected === true;
  }

  /** How many times the host was ejected. */
  numEjections(slot: number): number {
    return this.monitors.get(slot)?.numEjections ?? 0;
  }

  /** The host's success rate of the last interval as /clusters shows it; -1 when not computed. */
  successRate(slot: number, monitor: SuccessRateMonitorType): number {
    return this.monitors.get(slot)?.successRate[monitor] ?? -1;
  }

  /** The cluster's success-rate average and ejection threshold of the last interval; -1 when not computed. */
  successRateFigures(monitor: SuccessRateMonitorType): SuccessRateFigures {
    return this.figures[monitor];
  }

  /** A consecutive counter of `slot` reached its threshold (Envoy's onConsecutiveErrorWorker). */
  onConsecutiveError(slot: number, counter: ConsecutiveCounter): void {
    const monitor = this.monitors.get(slot);
    if (monitor === undefined || monitor.isEjected) return;
    const type: EjectionType =
      counter === 'consecutive5xx'
        ? 'consecutive_5xx'
        : counter === 'consecutiveGatewayFailure'
          ? 'consecutive_gateway_failure'
          : 'consecutive_local_origin_failure';
    this.countDetected(type);
    this.ejectHost(slot, monitor, type);
    if (type === 'consecutive_5xx') this.counters.ejections_consecutive_5xx++;
    this.store.reset(slot, counter);
  }

  /**
   * An active health check passed for an ejected host that health checking does not fail (Envoy's host check
   * callback with `successful_active_health_check_uneject_host`, default true).
   */
  onHealthCheckPassed(slot: number): void {
    const monitor = this.monitors.get(slot);
    if (!this.config.successfulActiveHealthCheckUnejectHost || monitor?.isEjected !== true) return;
    this.unejectHost(slot, monitor);
  }

  /** The interval tick (Envoy's DetectorImpl::onIntervalTimer). */
  onIntervalTimer(): void {
    const now = this.deps.now();
    for (const [slot, monitor] of this.monitors) {
      this.checkHostForUneject(slot, monitor, now);
      this.store.swapBuckets(slot);
      monitor.successRate = { external: -1, local: -1 };
    }
    this.processSuccessRateEjections('external');
    this.processSuccessRateEjections('local');
    for (const monitor of this.monitors.values()) {
      if (monitor.isEjected || monitor.lastUnejectionMs === undefined) continue;
      if (now - monitor.lastUnejectionMs >= this.config.intervalMs && monitor.ejectTimeBackoff !== 0)
        monitor.ejectTimeBackoff--;
    }
  }

  private checkHostForUneject(slot: number, monitor: HostMonitor, now: number): void {
    if (!monitor.isEjected || monitor.lastEjectionMs === undefined) return;
    const { baseEjectionTimeMs, maxEjectionTimeMs } = this.config;
    const ejectionMs = Math.min(baseEjectionTimeMs * monitor.ejectTimeBackoff, maxEjectionTimeMs);
    if (ejectionMs + monitor.jitterMs <= now - monitor.lastEjectionMs) this.unejectHost(slot, monitor);
  }

  private unejectHost(slot: number, monitor: HostMonitor): void {
    this.ejectionsActive--;
    monitor.isEjected = false;
    this.store.reset(slot, 'consecutive5xx');
    this.store.reset(slot, 'consecutiveGatewayFailure');
    this.store.reset(slot, 'consecutiveLocalOriginFailure');
    monitor.lastUnejectionMs = this.deps.now();
    this.deps.onChange({
      slot,
      action: 'uneject',
      atMs: monitor.lastUnejectionMs,
      numEjections: monitor.numEjections,
    });
  }

  private ejectHost(slot: number, monitor: HostMonitor, type: EjectionType): void {
    const maxPercent = Math.min(100, this.config.maxEjectionPercent);
    const ejectedPercent = (100 * (this.ejectionsActive + 1)) / this.monitors.size;
    let shouldEject = ejectedPercent <= maxPercent;
    if (this.config.alwaysEjectOneHost) shouldEject ||= this.ejectionsActive === 0;
    if (!shouldEject) {
      this.counters.ejections_overflow++;
      return;
    }
    if (type === 'consecutive_5xx' || type === 'success_rate') this.counters.ejections_total++;
    if (!this.isEnforced(type)) return;
    this.ejectionsActive++;
    this.countEnforced(type);
    const now = this.deps.now();
    monitor.isEjected = true;
    monitor.numEjections++;
    monitor.lastEjectionMs = now;
    monitor.jitterMs = this.deps.random() % (this.config.maxEjectionTimeJitterMs + 1);
    const { baseEjectionTimeMs, maxEjectionTimeMs } = this.config;
    if (monitor.ejectTimeBackoff * baseEjectionTimeMs < maxEjectionTimeMs + baseEjectionTimeMs)
      monitor.ejectTimeBackoff++;
    this.deps.onChange({ slot, action: 'eject', type, atMs: now, numEjections: monitor.numEjections });
  }

  /** Envoy's runtime featureEnabled(key, percent) with the configured percentage. */
  private isEnforced(type: EjectionType): boolean {
    const percent = {
      consecutive_5xx: this.config.enforcingConsecutive5xx,
      consecutive_gateway_failure: this.config.enforcingConsecutiveGatewayFailure,
      consecutive_local_origin_failure: this.config.enforcingConsecutiveLocalOriginFailure,
      success_rate: this.config.enforcingSuccessRate,
      local_origin_success_rate: this.config.enforcingLocalOriginSuccessRate,
      failure_percentage: this.config.enforcingFailurePercentage,
      local_origin_failure_percentage: this.config.enforcingFailurePercentageLocalOrigin,
    }[type];
    return this.deps.random() % 100 < percent;
  }

  private countDetected(type: EjectionType): void {
    this.counters[`ejections_detected_${type}`]++;
  }

  private countEnforced(type: EjectionType): void {
    this.counters.ejections_enforced_total++;
    this.counters[`ejections_enforced_${type}`]++;
  }

  private processSuccessRateEjections(type: SuccessRateMonitorType): void {
    const config = this.config;
    this.figures[type] = NOT_COMPUTED;
    const hostCount = this.monitors.size;
    if (hostCount < config.successRateMinimumHosts && hostCount < config.failurePercentageMinimumHosts)
      return;
    const successRateHosts: { slot: number; rate: number }[] = [];
    const failurePercentageHosts: { slot: number; rate: number }[] = [];
    for (const [slot, monitor] of this.monitors) {
      if (monitor.isEjected) continue;
      const sample = this.store.readSuccessRate(slot, type);
      if (sample === undefined) continue;
      if (sample.volume >= Math.min(config.successRateRequestVolume, config.failurePercentageRequestVolume))
        monitor.successRate[type] = sample.successRate;
      if (sample.volume >= config.successRateRequestVolume)
        successRateHosts.push({ slot, rate: sample.successRate });
      if (sample.volume >= config.failurePercentageRequestVolume)
        failurePercentageHosts.push({ slot, rate: sample.successRate });
    }
    if (successRateHosts.length > 0 && successRateHosts.length >= config.successRateMinimumHosts) {
      const figures = computeSuccessRateThreshold(
        successRateHosts.map((host) => host.rate),
        config.successRateStdevFactor / 1000,
      );
      this.figures[type] = figures;
      const ejectionType: EjectionType = type === 'external' ? 'success_rate' : 'local_origin_success_rate';
      for (const host of successRateHosts) {
        if (host.rate >= figures.ejectionThreshold) continue;
        this.counters.ejections_success_rate++;
        this.ejectDetected(host.slot, ejectionType);
      }
    }
    if (
      failurePercentageHosts.length > 0 &&
      failurePercentageHosts.length >= config.failurePercentageMinimumHosts
    ) {
      const ejectionType: EjectionType =
        type === 'external' ? 'failure_percentage' : 'local_origin_failure_percentage';
      for (const host of failurePercentageHosts) {
        if (100 - host.rate >= config.failurePercentageThreshold) this.ejectDetected(host.slot, ejectionType);
      }
    }
  }

  private ejectDetected(slot: number, type: EjectionType): void {
    const monitor = this.monitors.get(slot);
    if (monitor === undefined) return;
    this.countDetected(type);
    // Envoy's ejectHost asserts the host is not ejected yet; a host both under the success-rate threshold and
    // over the failure percentage is ejected once.
    if (!monitor.isEjected) this.ejectHost(slot, monitor, type);
  }
}
