import type { EnvoyPolicyEntry, RetrySettings } from './types.js';

/** The retries a row runs with: its own `retries` (`false`: none), else the scenario's `proxy.retries`. */
export function resolveRowRetries(
  row: EnvoyPolicyEntry,
  scenarioRetries: RetrySettings | undefined,
): RetrySettings | undefined {
  const { retries } = row.settings;
  if (retries === false) return undefined;
  return retries ?? scenarioRetries;
}
