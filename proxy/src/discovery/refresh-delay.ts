import type { ClusterConfig } from '../types.js';

/** The DNS timing settings of a cluster. */
export type RefreshSettings = Pick<
  ClusterConfig,
  'dnsRefreshRateMs' | 'dnsJitterMs' | 'respectDnsTtl' | 'dnsFailureRefreshRate'
>;

/** State of the failure back-off: the interval the next failure draws its delay from. */
export interface FailureBackoff {
  readonly currentIntervalMs: number;
}

/**
 * Delay before the next resolution after a successful one: the minimum record TTL with `respect_dns_ttl`
 * (a TTL of 0 or an empty answer falls back to `dns_refresh_rate`), plus `random % dns_jitter` when set.
 */
export function getSuccessDelayMs(
  settings: RefreshSettings,
  minTtlSeconds: number | undefined,
  random: () => number,
): number {
  const useTtl = settings.respectDnsTtl && minTtlSeconds !== undefined && minTtlSeconds > 0;
  const baseMs = useTtl ? minTtlSeconds * 1000 : settings.dnsRefreshRateMs;
  return settings.dnsJitterMs > 0 ? baseMs + (random() % settings.dnsJitterMs) : baseMs;
}

/** The back-off state after a success (or at start): the interval is back at `base_interval`. */
export function resetFailureBackoff(settings: RefreshSettings): FailureBackoff {
  return { currentIntervalMs: settings.dnsFailureRefreshRate?.baseIntervalMs ?? settings.dnsRefreshRateMs };
}

/**
 * Delay before the next resolution after a failure. Without `dns_failure_refresh_rate` it is a fixed
 * `dns_refresh_rate`. With it, Envoy's JitteredExponentialBackOffStrategy: `random % current`, then `current`
 * doubles, capped at `max_interval` (backoff_strategy.cc).
 */
export function getFailureDelayMs(
  settings: RefreshSettings,
  backoff: FailureBackoff,
  random: () => number,
): { readonly delayMs: number; readonly backoff: FailureBackoff } {
  const strategy = settings.dnsFailureRefreshRate;
  if (strategy === undefined) {
    return { delayMs: settings.dnsRefreshRateMs, backoff };
  }
  const intervalMs = Math.max(1, backoff.currentIntervalMs);
  const nextIntervalMs =
    intervalMs < strategy.maxIntervalMs ? Math.min(intervalMs * 2, strategy.maxIntervalMs) : intervalMs;
  const delayMs = Math.min(random() % intervalMs, strategy.maxIntervalMs);
  return { delayMs, backoff: { currentIntervalMs: nextIntervalMs } };
}
