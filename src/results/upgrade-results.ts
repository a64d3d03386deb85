import { isRecord } from '../validation/is-record.js';

/** The older results.json versions lbbench still reads, by upgrading them to the current shape first. */
export const UPGRADABLE_SCHEMA_VERSIONS: readonly number[] = [2];

/**
 * Upgrades a version-2 results document (rows were bare policies, addressed as `policy`) to version 3: each policy
 * becomes the row of that name with Envoy's defaults (`row`, `entry`), and summaries and gates address it as `row`.
 * Parts that do not have the version-2 shape are left as they are, for the schema check to report. Returns a new
 * document; `document` is not changed.
 */
export function upgradeResults(document: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const scenario = document['scenario'];
  return {
    ...document,
    schemaVersion: 3,
    scenario: isRecord(scenario)
      ? {
          ...scenario,
          policies: mapList(scenario['policies'], (policy) =>
            typeof policy === 'string' ? toEntry(policy) : policy,
          ),
          gates: mapList(scenario['gates'], renamePolicyToRow),
        }
      : scenario,
    runs: mapList(document['runs'], (run) => {
      if (!isRecord(run)) return run;
      const { policy, ...rest } = run;
      return typeof policy === 'string' ? { row: policy, entry: toEntry(policy), ...rest } : run;
    }),
    summaries: mapList(document['summaries'], renamePolicyToRow),
    gates: mapList(document['gates'], renamePolicyToRow),
  };
}

function toEntry(policy: string): Record<string, unknown> {
  return { name: policy, proxy: 'envoy', policy, settings: {} };
}

function renamePolicyToRow(item: unknown): unknown {
  if (!isRecord(item)) return item;
  const { policy, ...rest } = item;
  return policy === undefined ? item : { row: policy, ...rest };
}

function mapList(value: unknown, map: (item: unknown) => unknown): unknown {
  return Array.isArray(value) ? value.map(map) : value;
}
