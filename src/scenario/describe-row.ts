import { formatOtherProxyRowName } from './proxy-rows.js';
import type { PolicyEntry } from './types.js';

/**
 * A row's settings in Envoy's field names, e.g. `choice_count 3, active_request_bias 0.5`; '' when it keeps every
 * default.
 */
export function describeRowSettings(row: PolicyEntry): string {
  if (row.proxy !== 'envoy') return '';
  const {
    choiceCount,
    activeRequestBias,
    minimumRingSize,
    slowStart,
    outlierDetection,
    healthCheck,
    retries,
  } = row.settings;
  const parts = [
    choiceCount === undefined ? undefined : `choice_count ${choiceCount}`,
    activeRequestBias === undefined ? undefined : `active_request_bias ${activeRequestBias}`,
    minimumRingSize === undefined ? undefined : `minimum_ring_size ${minimumRingSize}`,
    slowStart === undefined
      ? undefined
      : `slow_start_config (window ${slowStart.windowMs} ms, aggression ${slowStart.aggression}, ` +
        `min_weight_percent ${slowStart.minWeightPercent})`,
    describeOverride('outlier_detection', outlierDetection),
    describeOverride('health_checks', healthCheck),
    describeOverride('retry_policy', retries),
  ];
  return parts.filter((part) => part !== undefined).join(', ');
}

// A row's own resilience setting in place of the scenario's: `false` turns it off for the row.
function describeOverride(field: string, value: object | false | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value === false ? `no ${field}` : `its own ${field}`;
}

/**
 * A row for people: its name, then its policy when the name is another, and its settings, e.g. `ROUND_ROBIN` or
 * `LR-3 (LEAST_REQUEST, choice_count 3)`.
 */
export function describeRow(row: PolicyEntry): string {
  if (row.proxy === 'cluster-ip') return row.name;
  if (row.proxy !== 'envoy') {
    return row.name === formatOtherProxyRowName(row.proxy, row.policy)
      ? row.name
      : `${row.name} (${row.proxy} ${row.policy})`;
  }
  const details = [row.name === row.policy ? '' : row.policy, describeRowSettings(row)].filter(
    (part) => part !== '',
  );
  return details.length === 0 ? row.name : `${row.name} (${details.join(', ')})`;
}
