import { LB_POLICIES } from 'lbbench-proxy';
import { describeValue } from '../validation/describe-value.js';
import { isRecord } from '../validation/is-record.js';
import type { IssueSink } from './read-fields.js';
import { readPolicyEntry } from './read-policy-entry.js';
import { findRowName } from './row-names.js';
import { SCENARIO_DEFAULTS } from './scenario-defaults.js';
import type { PolicyEntry } from './types.js';

/**
 * Reads `policies:` — a list of entries (names or objects), or a comma-separated string of names (as `--policies`
 * gives it) — into rows with unique names (ignoring case). Missing means the write-up's three policies; an empty
 * list is an issue. A name of one of `knownRows` (the scenario's rows, when `--policies` picks among them) stands
 * for that row with its settings.
 */
export function readPolicies(
  value: unknown,
  path: string,
  issues: IssueSink,
  knownRows: readonly PolicyEntry[] = [],
): readonly PolicyEntry[] {
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
  const rows: PolicyEntry[] = [];
  const rowPaths: string[] = [];
  items.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    const row = findKnownRow(item, knownRows) ?? readPolicyEntry(item, itemPath, issues);
    if (row === undefined) return;
    const twin = rows.findIndex((other) => other.name.toUpperCase() === row.name.toUpperCase());
    if (twin === -1) {
      rows.push(row);
      rowPaths.push(itemPath);
      return;
    }
    const isNamed = isRecord(item) && item.name !== undefined;
    issues.push({
      path: isNamed ? `${itemPath}.name` : itemPath,
      message:
        `row name "${row.name}" is already used by ${rowPaths[twin] ?? path}; row names must be unique, ` +
        `e.g. { policy: ${row.policy}, name: ${row.policy}-2, … }`,
    });
  });
  return rows.length > 0 ? rows : SCENARIO_DEFAULTS.policies;
}

function findKnownRow(item: unknown, knownRows: readonly PolicyEntry[]): PolicyEntry | undefined {
  if (typeof item !== 'string') return undefined;
  const name = findRowName(
    knownRows.map((row) => row.name),
    item,
  );
  return knownRows.find((row) => row.name === name);
}
