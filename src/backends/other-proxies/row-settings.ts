import type { Scenario } from '../../scenario/types.js';

/** The Envoy route timeout of the bundled templates, which the other balancers' response timeouts match. */
export const RESPONSE_TIMEOUT_MS = 60_000;
/** The Envoy `connect_timeout` of the bundled templates (0.25 s). */
export const CONNECT_TIMEOUT_MS = 250;
/** Idle keep-alive connections are kept longer than any benchmark window pauses. */
export const IDLE_TIMEOUT_MS = 75_000;

/**
 * HAProxy's `server-template` slots for a scenario: twice the most pods it can have at once, so that replacements
 * of killed pods find free slots while the old addresses are still being dropped.
 */
export function countServerSlots(scenario: Scenario): number {
  const scaled = scenario.events.map((event) => (event.action === 'scale' ? event.replicas : 0));
  return 2 * Math.max(scenario.replicas, ...scaled, 1);
}

/** How a HAProxy row learns of pod changes, as results.json records it. */
export function describeHaproxyDiscovery(dnsRefreshRateMs: number): string {
  return (
    `DNS: resolvers + server-template, re-resolved every ${dnsRefreshRateMs} ms (timeout resolve / hold valid), ` +
    'an address missing from an answer dropped at once (hold obsolete 0s)'
  );
}

/** How an nginx row learns of pod changes, as results.json records it. */
export const NGINX_DISCOVERY =
  'config reload: nginx OSS resolves upstream names only at load, so the harness regenerates the upstream from ' +
  'the Ready pods and reloads nginx on every change; each reload and its lag is in configReloads';
