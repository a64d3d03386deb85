import { LB_POLICIES } from 'lbbench-proxy';
import type { LbPolicy } from 'lbbench-proxy';
import { describeValue } from '../validation/describe-value.js';
import type { IssueSink } from './read-fields.js';
import { SCENARIO_DEFAULTS } from './scenario-defaults.js';
import { formatSuggestion } from '../validation/suggest-name.js';

/** A policy name as Envoy spells it, from any case and `-`/`_` spelling (`least-request` → `LEAST_REQUEST`). */
export function normalizePolicyName(name: string): LbPolicy | undefined {
  const upper = name.trim().toUpperCase().replace(/-/g, '_');
  return LB_POLICIES.find((policy) => policy === upper);
}

/**
 * Reads `policies:` — a list, or a comma-separated string (as `--policies` gives it) — into unique Envoy names.
 * Missing means the write-up's three policies; an empty list is an issue.
 */
export function readPolicies(value: unknown, path: string, issues: IssueSink): readonly LbPolicy[] {
  if (value === undefined) return SCENARIO_DEFAULTS.policies;
  const items: readonly unknown[] | undefined =
    typeof value === 'string'
      ? value.split(',').filter((item) => item.trim() !== '')
      : Array.isArray(value)
        ? value
        : undefined;
  if (items === undefined || items.length === 0) {
    const got = items === undefined ? describeValue(value) : 'an empty list';
    issues.push({ path, message: `must list at least one policy of ${LB_POLICIES.join(', ')}, got ${got}` });
    return SCENARIO_DEFAULTS.policies;
  }
  const policies: LbPolicy[] = [];
  items.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    const policy = typeof item === 'string' ? normalizePolicyName(item) : undefined;
    if (policy === undefined) {
      const hint = typeof item === 'string' ? formatSuggestion(item.trim(), LB_POLICIES) : '';
      issues.push({
        path: itemPath,
        message: `must be one of ${LB_POLICIES.join(', ')}, got ${describeValue(item)}${hint}`,
      });
    } else if (policies.includes(policy)) {
      issues.push({ path: itemPath, message: `${policy} is listed twice; list each policy once` });
    } else {
      policies.push(policy);
    }
  });
  return policies.length > 0 ? policies : SCENARIO_DEFAULTS.policies;
}
