import type { LbPolicy } from 'lbbench-proxy';
import { LbbenchError } from '../errors.js';
import type { EnvoyPolicyEntry, PolicyEntry } from './types.js';

/** The row a bare policy name stands for: Envoy's defaults for that policy, named after it. */
export function envoyRow(policy: LbPolicy): EnvoyPolicyEntry {
  return { name: policy, proxy: 'envoy', policy, settings: {} };
}

/** Whether a row runs on the Envoy-style proxy (the bundled one or a real Envoy), not on HAProxy or nginx. */
export function isEnvoyRow(row: PolicyEntry): row is EnvoyPolicyEntry {
  return row.proxy === 'envoy';
}

/**
 * The row as an Envoy row, for code that only Envoy-style rows reach (the checks before a run keep the others out).
 * @throws LbbenchError `LBB_INTERNAL` when `row` runs on HAProxy or nginx.
 */
export function requireEnvoyRow(row: PolicyEntry): EnvoyPolicyEntry {
  if (isEnvoyRow(row)) return row;
  throw new LbbenchError(
    'LBB_INTERNAL',
    `row ${row.name} runs on ${row.proxy}, not on the Envoy-style proxy`,
  );
}
