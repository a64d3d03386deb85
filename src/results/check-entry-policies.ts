import { LB_POLICIES } from 'lbbench-proxy';
import { CLUSTER_IP_ROW } from '../scenario/cluster-ip-row.js';
import { HAPROXY_POLICIES, NGINX_POLICIES } from '../scenario/proxy-rows.js';
import type { ENTRY_PROXIES } from '../scenario/read-policy-entry.js';
import type { PolicyEntry } from '../scenario/types.js';
import { describeValue } from '../validation/describe-value.js';
import { joinPath } from '../validation/join-path.js';

/** The policies a row of each balancer may have, each spelled as its balancer spells it. */
export const POLICIES_BY_ENTRY_PROXY: Readonly<Record<(typeof ENTRY_PROXIES)[number], readonly string[]>> = {
  envoy: LB_POLICIES,
  'cluster-ip': [CLUSTER_IP_ROW.policy],
  haproxy: HAPROXY_POLICIES,
  nginx: NGINX_POLICIES,
};

/**
 * Pushes an issue at `<path>.policy` when a policy entry's `policy` is not one of its `proxy`'s policies (say
 * `{ proxy: haproxy, policy: least_conn }`), listing the allowed ones. The entry's shape is already checked.
 */
export function checkEntryPolicy(
  entry: Pick<PolicyEntry, 'proxy' | 'policy'>,
  path: string,
  issues: { push(issue: { readonly path: string; readonly message: string }): unknown },
): void {
  const allowed = POLICIES_BY_ENTRY_PROXY[entry.proxy];
  if (allowed.includes(entry.policy)) return;
  issues.push({
    path: joinPath(path, 'policy'),
    message: `must be one of ${allowed.map((policy) => JSON.stringify(policy)).join(', ')} for proxy ${JSON.stringify(entry.proxy)}, got ${describeValue(entry.policy, 'json')}`,
  });
}
