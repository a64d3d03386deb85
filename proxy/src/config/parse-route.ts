import type { LbPolicy, RetryPolicy, RouteConfig } from '../types.js';
import { ROUTE_DEFAULTS } from './defaults.js';
import { ROUTE_SCHEMAS } from './route-schemas.js';
import { readHashPolicies } from './parse-route-policies.js';
import { readRetryPolicy } from './parse-retry-policy.js';
import { joinPath, reportIgnored, reportIssue, type ReadContext } from './read-context.js';
import {
  hasField,
  readChildMapping,
  readDurationMs,
  readMapping,
  readString,
  type ListItem,
  type Mapping,
} from './read-fields.js';

const HASHING_POLICIES: readonly LbPolicy[] = ['RING_HASH', 'MAGLEV'];

function readMatch(route: Mapping, context: ReadContext): RouteConfig['match'] | undefined {
  const match = readChildMapping(route, 'match', context, ROUTE_SCHEMAS.routeMatch, { isRequired: true });
  if (match === undefined) return undefined;
  const prefix = readString(match, 'prefix', context, { allowEmpty: true });
  const path = readString(match, 'path', context);
  if (hasField(match, 'prefix') && hasField(match, 'path')) {
    reportIssue(context, match.path, 'set exactly one of prefix or path, not both');
    return undefined;
  }
  if (prefix !== undefined) return { prefix };
  if (path !== undefined) return { path };
  if (!hasField(match, 'prefix') && !hasField(match, 'path')) {
    reportIssue(
      context,
      match.path,
      'must set prefix (e.g. "/") or path; lbbench-proxy supports no other matchers',
    );
  }
  return undefined;
}

function readHostRewrite(action: Mapping, context: ReadContext): string | undefined {
  const v2Value = readString(action, 'host_rewrite', context);
  const v3Value = readString(action, 'host_rewrite_literal', context);
  if (hasField(action, 'host_rewrite')) context.v2Markers.push(joinPath(action.path, 'host_rewrite'));
  if (hasField(action, 'host_rewrite') && hasField(action, 'host_rewrite_literal')) {
    reportIssue(context, action.path, 'set either host_rewrite (v2) or host_rewrite_literal (v3), not both');
  }
  return v3Value ?? v2Value;
}

function checkClusterReference(action: Mapping, cluster: string, context: ReadContext): void {
  const policy = context.clusterPolicies.get(cluster);
  if (policy === undefined) {
    const names = [...context.clusterPolicies.keys()];
    const known = names.length === 0 ? 'no clusters are defined' : `defined clusters: ${names.join(', ')}`;
    reportIssue(context, joinPath(action.path, 'cluster'), `unknown cluster "${cluster}"; ${known}`);
  } else if (!HASHING_POLICIES.includes(policy) && hasField(action, 'hash_policy')) {
    // Envoy computes the hash only for RING_HASH and MAGLEV clusters; elsewhere the policy has no effect.
    reportIgnored(context, joinPath(action.path, 'hash_policy'));
  }
}

function readRouteAction(route: Mapping, context: ReadContext, virtualHostRetry: RetryPolicy | undefined) {
  const action = readChildMapping(route, 'route', context, ROUTE_SCHEMAS.routeAction, { isRequired: true });
  if (action === undefined) return undefined;
  const cluster = readString(action, 'cluster', context, { isRequired: true });
  if (cluster !== undefined) checkClusterReference(action, cluster, context);
  const hostRewrite = readHostRewrite(action, context);
  const timeoutMs = readDurationMs(action, 'timeout', context) ?? ROUTE_DEFAULTS.timeoutMs;
  // A route's own retry_policy replaces its virtual host's (Envoy never merges the two).
  const retryPolicy = readRetryPolicy(action, context) ?? virtualHostRetry;
  const hashPolicy = readHashPolicies(action, context);
  if (cluster === undefined) return undefined;
  return { cluster, hostRewrite, timeoutMs, retryPolicy, hashPolicy };
}

/**
 * Reads one route: a prefix or path match and a route action to a cluster; `virtualHostRetry` is the virtual
 * host's retry policy, which applies when the route has none.
 */
export function readRoute(
  item: ListItem,
  context: ReadContext,
  virtualHostRetry: RetryPolicy | undefined,
): RouteConfig | undefined {
  const route = readMapping(item.value, item.path, context, ROUTE_SCHEMAS.route);
  if (route === undefined) return undefined;
  const match = readMatch(route, context);
  const action = readRouteAction(route, context, virtualHostRetry);
  return match === undefined || action === undefined ? undefined : { match, ...action };
}
