import type { ConsecutiveCounter, OutlierCounters } from './outlier-counters.js';

/**
 * What a request attempt told the outlier detector (Envoy's `Outlier::Result` plus the HTTP-code path):
 * an upstream response status, a failed connection (or a reset before the response), or a timeout.
 */
export type OutlierResult =
  | { readonly kind: 'http'; readonly status: number }
  | { readonly kind: 'connect-failed' }
  | { readonly kind: 'timeout' };

/** The settings a host monitor needs; from {@link OutlierDetectionConfig}. */
export interface HostMonitorSettings {
  readonly consecutive5xx: number;
  readonly consecutiveGatewayFailure: number;
  readonly consecutiveLocalOriginFailure: number;
  readonly splitExternalLocalOriginErrors: boolean;
}

const isGatewayError = (status: number): boolean => status >= 502 && status <= 504;

/**
 * Records one result for host `slot` and returns the consecutive counters that reached their threshold with it
 * (Envoy's DetectorHostMonitorImpl::putResult / putHttpResponseCode). The caller hands those to the
 * {@link OutlierDetector} (Envoy posts them to the main thread). Only the exact threshold crossing reports, as
 * Envoy's `++counter == threshold`, so one bout of failures from many workers reports once.
 *
 * Without `split_external_local_origin_errors` a failed connection counts as a 503 and a timeout as a 504
 * (Envoy's resultToHttpCode); with the split they feed the local-origin counter and monitor instead.
 */
export function recordOutlierResult(
  counters: OutlierCounters,
  slot: number,
  result: OutlierResult,
  settings: HostMonitorSettings,
): ConsecutiveCounter[] {
  if (result.kind === 'http') return recordHttpStatus(counters, slot, result.status, settings);
  if (!settings.splitExternalLocalOriginErrors) {
    return recordHttpStatus(counters, slot, result.kind === 'timeout' ? 504 : 503, settings);
  }
  counters.countRequest(slot, 'local', false);
  const count = counters.increment(slot, 'consecutiveLocalOriginFailure');
  return count === settings.consecutiveLocalOriginFailure ? ['consecutiveLocalOriginFailure'] : [];
}

/**
 * In split mode, a successful connection (Envoy's LocalOriginConnectSuccess) counts as a local-origin success
 * and ends a bout of local-origin failures; without the split it is not reported at all.
 */
export function recordConnectSuccess(
  counters: OutlierCounters,
  slot: number,
  settings: HostMonitorSettings,
): void {
  if (!settings.splitExternalLocalOriginErrors) return;
  counters.countRequest(slot, 'local', true);
  counters.reset(slot, 'consecutiveLocalOriginFailure');
}

function recordHttpStatus(
  counters: OutlierCounters,
  slot: number,
  status: number,
  settings: HostMonitorSettings,
): ConsecutiveCounter[] {
  const reached: ConsecutiveCounter[] = [];
  if (status < 500 || status > 599) {
    counters.countRequest(slot, 'external', true);
    counters.reset(slot, 'consecutive5xx');
    counters.reset(slot, 'consecutiveGatewayFailure');
    return reached;
  }
  counters.countRequest(slot, 'external', false);
  if (isGatewayError(status)) {
    if (counters.increment(slot, 'consecutiveGatewayFailure') === settings.consecutiveGatewayFailure)
      reached.push('consecutiveGatewayFailure');
  } else {
    counters.reset(slot, 'consecutiveGatewayFailure');
  }
  if (counters.increment(slot, 'consecutive5xx') === settings.consecutive5xx) reached.push('consecutive5xx');
  return reached;
}
