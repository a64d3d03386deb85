import { LB_POLICIES } from 'lbbench-proxy';
import type { LbPolicy } from 'lbbench-proxy';

/** A policy name as Envoy spells it, from any case and `-`/`_` spelling (`least-request` → `LEAST_REQUEST`). */
export function normalizePolicyName(name: string): LbPolicy | undefined {
  const upper = name.trim().toUpperCase().replace(/-/g, '_');
  return LB_POLICIES.find((policy) => policy === upper);
}
