import { describeValue } from '../validation/describe-value.js';
import { isRecord } from '../validation/is-record.js';
import { joinPath } from '../validation/join-path.js';
import { formatSuggestion } from '../validation/suggest-name.js';
import { CLUSTER_IP_ROW } from './cluster-ip-row.js';
import { readEnvoyPolicyEntry, readEnvoyPolicyName } from './read-envoy-policy-entry.js';
import { readMapping, type IssueSink } from './read-fields.js';
import { isOtherProxy, OTHER_PROXIES, readOtherProxyEntry } from './proxy-rows.js';
import type { PolicyEntry } from './types.js';

/** The load balancers a policy entry's `proxy` may name (default `envoy`). */
export const ENTRY_PROXIES = ['envoy', 'cluster-ip', ...OTHER_PROXIES] as const;

/**
 * Reads one item of `policies:` into a row: a policy name (an Envoy row named after it), `CLUSTER_IP`, a HAProxy or
 * nginx row's name (`haproxy:leastconn`, short for `{ proxy: haproxy, policy: leastconn }`), or an object whose
 * `proxy` (default `envoy`) picks the reader of its other fields. Undefined, with issues recorded, when invalid.
 */
export function readPolicyEntry(value: unknown, path: string, issues: IssueSink): PolicyEntry | undefined {
  if (typeof value === 'string' && value.trim().toUpperCase().replace(/-/g, '_') === CLUSTER_IP_ROW.name) {
    return CLUSTER_IP_ROW;
  }
  if (typeof value === 'string') {
    const [proxy, policy, ...rest] = value.trim().split(':');
    if (isOtherProxy(proxy) && policy !== undefined && rest.length === 0) {
      return readOtherProxyEntry({ proxy, policy }, path, issues);
    }
    return readEnvoyPolicyName(value, path, issues);
  }
  if (!isRecord(value)) {
    issues.push({
      path,
      message: `must be a policy name such as ROUND_ROBIN or an object { policy, name?, … }, got ${describeValue(value)}`,
    });
    return undefined;
  }
  const proxy = value.proxy ?? 'envoy';
  switch (proxy) {
    case 'envoy':
      return readEnvoyPolicyEntry(value, path, issues);
    case 'cluster-ip': {
      // The baseline has nothing to set: the Service's kube-proxy decides, and its row is always named CLUSTER_IP.
      const before = issues.length;
      readMapping(value, path, ['proxy'], issues);
      return issues.length === before ? CLUSTER_IP_ROW : undefined;
    }
    case 'haproxy':
    case 'nginx':
      return readOtherProxyEntry(value, path, issues);
    default: {
      const hint = typeof proxy === 'string' ? formatSuggestion(proxy, ENTRY_PROXIES) : '';
      issues.push({
        path: joinPath(path, 'proxy'),
        message: `must be one of ${ENTRY_PROXIES.join(', ')}, got ${describeValue(proxy)}${hint}`,
      });
      return undefined;
    }
  }
}
