import type { ProxyInfo } from '../backends/backend.js';
import type { ResultsFile } from '../results/types.js';

/** The balancer families the report groups rows by, in the order it shows them. */
export const PROXY_GROUPS = ['Envoy-style proxy', 'CLUSTER_IP', 'HAProxy', 'nginx'] as const;
/** One of {@link PROXY_GROUPS}. */
export type ProxyGroup = (typeof PROXY_GROUPS)[number];

/** The family of a run's balancer: the bundled proxy, a real Envoy or a custom Envoy-compatible one are one family. */
export function getProxyGroup(kind: ProxyInfo['kind']): ProxyGroup {
  switch (kind) {
    case 'cluster-ip':
      return 'CLUSTER_IP';
    case 'haproxy':
      return 'HAProxy';
    case 'nginx':
      return 'nginx';
    case 'lbbench':
    case 'envoy':
    case 'custom':
      return 'Envoy-style proxy';
  }
}

/** Each row's family, from its runs' proxy (a row without runs is not listed). */
export function mapRowsToProxyGroups(results: ResultsFile): ReadonlyMap<string, ProxyGroup> {
  return new Map(results.runs.map((run) => [run.row, getProxyGroup(run.proxy.kind)]));
}

/** `rows` ordered by family (stable within one), for charts that show rows side by side. */
export function sortRowsByProxyGroup(
  rows: readonly string[],
  groups: ReadonlyMap<string, ProxyGroup>,
): string[] {
  const rank = (row: string): number => PROXY_GROUPS.indexOf(groups.get(row) ?? 'Envoy-style proxy');
  return [...rows].sort((a, b) => rank(a) - rank(b));
}
