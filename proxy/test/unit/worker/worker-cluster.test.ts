import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../../src/config/parse-config.js';
import { healthFlagBit } from '../../../src/health/host-health.js';
import { createRng } from '../../../src/lb/rng.js';
import type { ClusterResources } from '../../../src/worker/cluster-resources.js';
import type { HostAssignment } from '../../../src/worker/messages.js';
import { WorkerCluster } from '../../../src/worker/worker-cluster.js';

/** The v3 seed cluster with ROUND_ROBIN, a 10 s slow-start window and an active HTTP health check. */
function parseSlowStartCluster() {
  const template = readFileSync(new URL('../../../envoy-v3.yaml.tmpl', import.meta.url), 'utf8');
  const document = parseDocument(
    template.replaceAll('${ENVOY_LB_ALG}', 'ROUND_ROBIN').replaceAll('${SERVICE_NAME}', 'myapp'),
  );
  const cluster = ['static_resources', 'clusters', 0];
  document.setIn([...cluster, 'round_robin_lb_config'], { slow_start_config: { slow_start_window: '10s' } });
  document.setIn(
    [...cluster, 'health_checks'],
    [
      {
        timeout: '1s',
        interval: '1s',
        unhealthy_threshold: 2,
        healthy_threshold: 1,
        http_health_check: { path: '/' },
      },
    ],
  );
  const config = parseProxyConfig(document.toString(), { file: 'envoy.yaml', env: {} });
  const first = config.clusters[0];
  if (first === undefined) throw new Error('the seed template has no cluster');
  return first;
}

/** Resources with no limits and no traffic: the cluster's picks are all this test looks at. */
const IDLE_RESOURCES: ClusterResources = {
  stats: {
    onConnecting: () => undefined,
    onConnectFailed: () => undefined,
    onDisconnected: () => undefined,
    onStreamStart: () => undefined,
    onStreamEnd: () => undefined,
    onRequestFailedToConnect: () => undefined,
  },
  canCreateRequest: () => true,
  tryAddPending: () => true,
  removePending: () => undefined,
  canCreateConnection: () => true,
  tryStartRetry: () => true,
  endRetry: () => undefined,
  addCounter: () => undefined,
  addHostCounter: () => undefined,
  recordRequestTime: () => undefined,
  getActiveRequests: () => 0,
};

const HOSTS: HostAssignment[] = [0, 1, 2, 3].map((slot) => ({
  ip: `10.0.0.${slot + 1}`,
  port: 80,
  hostname: 'myapp',
  weight: 1,
  slot,
}));

/** Four hosts that joined at t = 0, host 3 flagged at t = 60 s and healthy again at t = 70 s; its share then. */
function shareAfterFlag(flag: 'failed_active_hc' | 'failed_outlier_check'): number {
  let nowMs = 0;
  const cluster = new WorkerCluster({
    config: parseSlowStartCluster(),
    resources: IDLE_RESOURCES,
    random: createRng(5),
    seed: 9,
    now: () => nowMs,
  });
  cluster.setHosts(HOSTS);
  cluster.setHealth([]);
  nowMs = 60_000;
  cluster.setHealth([[3, healthFlagBit(flag)]]);
  nowMs = 70_000;
  cluster.setHealth([]);
  let picksOfHost3 = 0;
  const picks = 4000;
  for (let step = 0; step < picks; step += 1) {
    nowMs = 70_000 + step / 4;
    if (cluster.pick(undefined)?.slot === 3) picksOfHost3 += 1;
  }
  return picksOfHost3 / picks;
}

describe('WorkerCluster slow start and host health (Envoy last_hc_pass_time)', () => {
  it('starts a new window for a host that passes active health checking after failing it', () => {
    // Weight max(0.1, t/10 s) over the first second of the new window against three hosts of weight 1.
    expect(shareAfterFlag('failed_active_hc')).toBeLessThan(0.06);
  });

  it('keeps the old, long-finished window of a host that outlier detection ejected and returned', () => {
    expect(shareAfterFlag('failed_outlier_check')).toBeCloseTo(0.25, 2);
  });
});
