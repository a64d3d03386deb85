import { HEALTH_FLAGS, type HealthFlag } from '../admin/snapshot.js';

/** A host's health flags as a bit set, bit i = HEALTH_FLAGS[i] (Envoy's Host::HealthFlag). */
export type HealthFlagBits = number;

/** The bit of one flag. */
export function healthFlagBit(flag: HealthFlag): HealthFlagBits {
  return 1 << HEALTH_FLAGS.indexOf(flag);
}

/** The flags set in `bits`, in /clusters order. */
export function listHealthFlags(bits: HealthFlagBits): HealthFlag[] {
  return HEALTH_FLAGS.filter((_, index) => (bits & (1 << index)) !== 0);
}

const UNHEALTHY =
  healthFlagBit('failed_active_hc') |
  healthFlagBit('failed_outlier_check') |
  healthFlagBit('failed_eds_health');
const EXCLUDED = healthFlagBit('pending_active_hc') | healthFlagBit('excluded_via_immediate_hc_fail');

/** Envoy's coarse health: healthy unless an active check, outlier detection or EDS failed it. */
export function isHealthy(bits: HealthFlagBits): boolean {
  return (bits & UNHEALTHY) === 0;
}

/** Excluded hosts (not yet checked with ignore_new_hosts_until_first_hc, or immediate-fail) leave the panic count. */
export function isExcluded(bits: HealthFlagBits): boolean {
  return (bits & EXCLUDED) !== 0;
}

/** What decides panic for a one-priority cluster. */
export interface PanicSettings {
  /** `healthy_panic_threshold` in percent; 0 disables panic. */
  readonly healthyPanicThreshold: number;
  /** `overprovisioning_factor` in percent (140). */
  readonly overprovisioningFactor: number;
}

/**
 * Whether a one-priority cluster is in panic (Envoy's LoadBalancerBase::recalculatePerPriorityPanic). The
 * priority's availability is `min(100, overprovisioning × healthy / (hosts − excluded))` in integer percent;
 * at 100 there is no panic, else the cluster panics when `100 × healthy / (hosts − excluded)` is below the
 * threshold. A cluster with no counted host has 0 % healthy.
 */
export function isInPanic(
  counts: { readonly hosts: number; readonly excluded: number; readonly healthy: number },
  settings: PanicSettings,
): boolean {
  const counted = counts.hosts - counts.excluded;
  const availability =
    counted === 0
      ? 0
      : Math.min(100, Math.floor((settings.overprovisioningFactor * counts.healthy) / counted));
  if (availability === 100) return false;
  const healthyPercent = counted === 0 ? 0 : (100 * counts.healthy) / counted;
  return healthyPercent < Math.min(100, settings.healthyPanicThreshold);
}

/**
 * The hosts a balancer picks from (Envoy's host source): the healthy ones, or every host when the cluster is
 * in panic. Pure; keeps the hosts' order.
 */
export function selectHostSource<T>(
  hosts: readonly T[],
  flagsOf: (host: T) => HealthFlagBits,
  settings: PanicSettings,
): { readonly hosts: readonly T[]; readonly isPanic: boolean } {
  const healthy = hosts.filter((host) => isHealthy(flagsOf(host)) && !isExcluded(flagsOf(host)));
  if (healthy.length === hosts.length) return { hosts, isPanic: false };
  const excluded = hosts.filter((host) => isExcluded(flagsOf(host))).length;
  const isPanic = isInPanic({ hosts: hosts.length, excluded, healthy: healthy.length }, settings);
  return isPanic ? { hosts, isPanic } : { hosts: healthy, isPanic };
}
