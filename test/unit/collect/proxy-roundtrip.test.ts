import fc from 'fast-check';
import {
  formatHostAddress,
  HEALTH_FLAGS,
  renderClustersJson,
  renderClustersText,
  type ClusterSnapshot,
  type HostSnapshot,
} from 'lbbench-proxy';
import { describe, expect, it } from 'vitest';
import { parseClustersJson, parseClustersText } from '../../../src/collect/parse-clusters.js';
import type { ClusterStatus } from '../../../src/collect/types.js';

/** Envoy's default circuit-breaker thresholds. */
const DEFAULT_THRESHOLDS = {
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
};

function makeCluster(name: string, hosts: readonly HostSnapshot[]): ClusterSnapshot {
  return {
    name,
    addedViaApi: false,
    circuitBreakers: { default: DEFAULT_THRESHOLDS, high: DEFAULT_THRESHOLDS },
    hosts,
  };
}

const count = fc.nat({ max: 1_000_000 });
const hostArb: fc.Arbitrary<HostSnapshot> = fc.record({
  ip: fc.oneof(fc.ipV4(), fc.ipV6()),
  port: fc.integer({ min: 1, max: 65535 }),
  hostname: fc.stringMatching(/^[a-z0-9.-]{0,20}$/),
  weight: fc.integer({ min: 1, max: 128 }),
  priority: fc.constant(0),
  healthFlags: fc.subarray([...HEALTH_FLAGS]),
  stats: fc.record({
    cx_active: count,
    cx_connect_fail: count,
    cx_total: count,
    rq_active: count,
    rq_error: count,
    rq_success: count,
    rq_timeout: count,
    rq_total: count,
  }),
});
const clustersArb: fc.Arbitrary<ClusterSnapshot[]> = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_|.-]{0,15}$/), { maxLength: 3 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) => fc.array(hostArb, { maxLength: 4 }).map((hosts) => makeCluster(name, hosts))),
    ),
  );

/** What both formats carry for any host: JSON keeps `failed_eds_health` and drops a weaker eds flag beside it. */
function expected(clusters: readonly ClusterSnapshot[]): ClusterStatus[] {
  return clusters.map((cluster) => ({
    name: cluster.name,
    hosts: cluster.hosts.map((host) => ({
      address: formatHostAddress(host.ip, host.port),
      hostname: host.hostname,
      healthFlags: HEALTH_FLAGS.filter((flag) => host.healthFlags.includes(flag)),
      weight: host.weight,
      counters: host.stats,
    })),
  }));
}

describe('lbbench-proxy /clusters read back by the harness parser', () => {
  it('text round-trips every host field the harness reads', () => {
    fc.assert(
      fc.property(clustersArb, (clusters) => {
        expect(parseClustersText(renderClustersText({ clusters }))).toEqual(expected(clusters));
      }),
    );
  });

  it('JSON round-trips every host field the harness reads', () => {
    fc.assert(
      fc.property(clustersArb, (clusters) => {
        const parsed = parseClustersJson(JSON.parse(renderClustersJson({ clusters })));
        const withJsonLimits = expected(clusters).map((cluster) => ({
          ...cluster,
          hosts: cluster.hosts.map((host) => ({
            ...host,
            // proto3 omits an empty hostname; eds_health_status holds one of failed/degraded/draining.
            hostname: host.hostname === '' ? undefined : host.hostname,
            healthFlags: keepStrongestEdsFlag(host.healthFlags),
          })),
        }));
        expect(parsed).toEqual(withJsonLimits);
      }),
    );
  });
});

function keepStrongestEdsFlag(flags: readonly string[]): readonly string[] {
  const eds = ['failed_eds_health', 'degraded_eds_health', 'eds_status_draining'].find((flag) =>
    flags.includes(flag),
  );
  return flags.filter((flag) => !flag.includes('eds_') || flag === eds);
}
