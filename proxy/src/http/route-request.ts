import { hashHeaderValues } from '../lb/request-hash.js';
import type { RouteConfig } from '../types.js';
import type { WorkerCluster, WorkerHost } from '../worker/worker-cluster.js';
import { getHeaderValues } from './http-head.js';
import type { RequestHead } from './http-head.js';
import type { ListenerContext } from './listener-context.js';

/** Where the router sends a request: everything an exchange needs before it exists. */
export interface RequestTarget {
  readonly route: RouteConfig;
  readonly cluster: WorkerCluster;
  /** The first attempt's host; retries pick again with the same hash. */
  readonly host: WorkerHost;
  /** The request's hash under the route's `hash_policy`, if any policy produced one. */
  readonly hash: bigint | undefined;
}

/** A request the router answers itself, with the status and body Envoy's router sends. */
export interface RouterReply {
  readonly status: 404 | 503;
  readonly body: string;
}

/**
 * Routes a request as Envoy's router filter does (source/common/router/router.cc `decodeHeaders`): no route
 * gives 404, an unknown cluster 503, and a cluster without a healthy host 503 `no healthy upstream`.
 */
export function routeRequest(head: RequestHead, listener: ListenerContext): RequestTarget | RouterReply {
  const route = listener.routes.match(head.host, head.target);
  if (route === undefined) {
    listener.hcm.add('no_route');
    return { status: 404, body: '' };
  }
  const cluster = listener.clusters.get(route.cluster);
  if (cluster === undefined) return { status: 503, body: '' };
  const hash = getRequestHash(head, route);
  const host = cluster.pick(hash);
  if (host === undefined) {
    cluster.resources.addCounter('upstream_cx_none_healthy');
    return { status: 503, body: 'no healthy upstream' };
  }
  return { route, cluster, host, hash };
}

/** The request's hash under the route's `hash_policy`, as Envoy's HashPolicyImpl computes it. */
function getRequestHash(head: RequestHead, route: RouteConfig): bigint | undefined {
  let hash: bigint | undefined;
  for (const policy of route.hashPolicy) {
    // Every value of a repeated header counts, in sorted order; the names are stored lower-case.
    const value = hashHeaderValues(getHeaderValues(head, policy.headerName));
    // Several policies combine by rotating and XOR-ing.
    if (value !== undefined)
      hash = hash === undefined ? value : (((hash << 1n) | (hash >> 63n)) & 0xffffffffffffffffn) ^ value;
    // A terminal policy ends the search once any policy so far produced a hash.
    if (policy.terminal && hash !== undefined) break;
  }
  return hash;
}
