import type { LbPolicy } from 'lbbench-proxy';
import type { EnvoyPolicyEntry } from './types.js';

/** The row a bare policy name stands for: Envoy's defaults for that policy, named after it. */
export function envoyRow(policy: LbPolicy): EnvoyPolicyEntry {
  return { name: policy, proxy: 'envoy', policy, settings: {} };
}
