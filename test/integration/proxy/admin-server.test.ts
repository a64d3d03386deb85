import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminServer, MUTATION_WITH_GET_STATUS } from '../../../proxy/src/admin/admin-server.js';
import type { AdminSnapshot } from '../../../proxy/src/admin/snapshot.js';
import { fetchClusters } from '../../../src/collect/clusters-client.js';
import {
  makeCluster,
  makeHost,
  makeSnapshot,
  makeStats,
} from '../../../proxy/test/unit/admin/make-snapshot.js';

interface Running {
  baseUrl: string;
  readonly calls: { resetCounters: number; quit: number; drainListeners: number };
  snapshot: AdminSnapshot;
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => {
            resolve();
          });
        }),
    ),
  );
});

async function startAdmin(): Promise<Running> {
  const running: Running = {
    baseUrl: '',
    calls: { resetCounters: 0, quit: 0, drainListeners: 0 },
    snapshot: makeSnapshot({
      clusters: [
        makeCluster('myapp_cluster', [
          makeHost({ stats: makeStats({ cx_active: 2, cx_total: 2, rq_success: 123, rq_total: 123 }) }),
          makeHost({ ip: '::1', stats: makeStats({ rq_total: 7, rq_success: 7 }) }),
        ]),
      ],
      counters: new Map([['cluster.myapp_cluster.upstream_rq_total', 130]]),
      gauges: new Map([['cluster.myapp_cluster.membership_healthy', 2]]),
    }),
  };
  const server = createAdminServer({
    getSnapshot: () => running.snapshot,
    resetCounters: () => {
      running.calls.resetCounters += 1;
    },
    quit: () => {
      running.calls.quit += 1;
    },
    drainListeners: () => {
      running.calls.drainListeners += 1;
    },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return running;
}

const ENVOY_HEADERS = { 'cache-control': 'no-cache, max-age=0', 'x-content-type-options': 'nosniff' };

function expectEnvoyHeaders(response: Response, contentType: string): void {
  expect(response.headers.get('content-type')).toBe(contentType);
  for (const [name, value] of Object.entries(ENVOY_HEADERS)) {
    expect(response.headers.get(name)).toBe(value);
  }
}

describe('admin server', () => {
  it.each([
    ['/clusters', 'text/plain; charset=UTF-8', 'myapp_cluster::[::1]:80::rq_total::7\n'],
    ['/clusters?format=json', 'application/json', '"address": "::1"'],
    ['/config_dump', 'application/json', 'type.googleapis.com/envoy.admin.v2alpha.BootstrapConfigDump'],
    [
      '/stats',
      'text/plain; charset=UTF-8',
      'cluster.myapp_cluster.membership_healthy: 2\ncluster.myapp_cluster.upstream_rq_total: 130\n',
    ],
    [
      '/stats?format=json',
      'application/json',
      '{"name":"cluster.myapp_cluster.upstream_rq_total","value":130}',
    ],
    [
      '/stats/prometheus',
      'text/plain; charset=UTF-8',
      'envoy_cluster_upstream_rq_total{envoy_cluster_name="myapp_cluster"} 130\n',
    ],
    [
      '/stats?format=prometheus',
      'text/plain; charset=UTF-8',
      '# TYPE envoy_cluster_membership_healthy gauge\n',
    ],
    ['/server_info', 'application/json', '"uptime_current_epoch": "12s"'],
    ['/listeners', 'text/plain; charset=UTF-8', 'listener_0::127.0.0.1:10000\n'],
    ['/listeners?format=json', 'application/json', '"port_value": 10000'],
    ['/ready', 'text/plain; charset=UTF-8', 'LIVE\n'],
    ['/help', 'text/plain; charset=UTF-8', '  /reset_counters (POST): reset all counters to zero\n'],
    ['/', 'text/html; charset=UTF-8', '<a href="/clusters">/clusters</a>'],
  ])('GET %s answers 200 %s', async (path, contentType, fragment) => {
    const admin = await startAdmin();
    const response = await fetch(`${admin.baseUrl}${path}`);
    expect(response.status).toBe(200);
    expectEnvoyHeaders(response, contentType);
    expect(await response.text()).toContain(fragment);
  });

  it('answers /ready with 503 and the state name when not LIVE', async () => {
    const admin = await startAdmin();
    admin.snapshot = { ...admin.snapshot, state: 'INITIALIZING' };
    const response = await fetch(`${admin.baseUrl}/ready`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('INITIALIZING\n');
  });

  it('answers unknown paths with 404 and the command list', async () => {
    const admin = await startAdmin();
    const response = await fetch(`${admin.baseUrl}/clusters/extra`);
    expect(response.status).toBe(404);
    expectEnvoyHeaders(response, 'text/plain; charset=UTF-8');
    expect(await response.text()).toMatch(/^invalid path\. admin commands are:\n {2}\/: Admin home page\n/);
  });

  it('answers a bad /stats filter with 400', async () => {
    const admin = await startAdmin();
    const response = await fetch(`${admin.baseUrl}/stats?filter=(`);
    expect(response.status).toBe(400);
  });

  it.each([
    ['/reset_counters', 'resetCounters'],
    ['/quitquitquit', 'quit'],
    ['/drain_listeners', 'drainListeners'],
  ] as const)('POST %s answers OK and calls %s; GET is refused and changes nothing', async (path, call) => {
    const admin = await startAdmin();
    const refused = await fetch(`${admin.baseUrl}${path}`);
    expect(refused.status).toBe(MUTATION_WITH_GET_STATUS);
    expect(await refused.text()).toBe('Method GET not allowed, POST required.');
    expect(admin.calls[call]).toBe(0);

    const accepted = await fetch(`${admin.baseUrl}${path}`, { method: 'POST' });
    expect(accepted.status).toBe(200);
    expectEnvoyHeaders(accepted, 'text/plain; charset=UTF-8');
    expect(await accepted.text()).toBe('OK\n');
    await expect.poll(() => admin.calls[call]).toBe(1);
  });

  it('leaves per-host counters alone on /reset_counters (the caller resets only stats-store counters)', async () => {
    const admin = await startAdmin();
    await fetch(`${admin.baseUrl}/reset_counters`, { method: 'POST' });
    expect(admin.calls.resetCounters).toBe(1);
    expect(await (await fetch(`${admin.baseUrl}/clusters`)).text()).toContain(
      'myapp_cluster::10.0.0.1:80::rq_total::123\n',
    );
  });

  it('serves the snapshot of the moment of each request', async () => {
    const admin = await startAdmin();
    expect(await (await fetch(`${admin.baseUrl}/clusters`)).text()).toMatch(/^myapp_cluster::/);
    admin.snapshot = makeSnapshot({ clusters: [makeCluster('later', [])] });
    expect(await (await fetch(`${admin.baseUrl}/clusters`)).text()).toMatch(
      /^later::observability_name::later\n/,
    );
  });

  it('answers 500 naming the endpoint when the snapshot cannot be read', async () => {
    const server = createAdminServer({
      getSnapshot: () => {
        throw new Error('proxy is gone');
      },
      resetCounters: () => undefined,
      quit: () => undefined,
      drainListeners: () => undefined,
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/clusters`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('admin handler for /clusters failed: proxy is gone\n');
  });

  it('is read by the harness client in JSON and text alike', async () => {
    const admin = await startAdmin();
    const viaJson = await fetchClusters(admin.baseUrl, { now: () => 0 });
    const viaText = await fetchClusters(admin.baseUrl, { now: () => 0, format: 'text' });
    expect(viaJson.clusters).toEqual(viaText.clusters);
    expect(viaText.clusters[0]!.hosts.map((h) => [h.address, h.counters.rq_total])).toEqual([
      ['10.0.0.1:80', 123],
      ['[::1]:80', 7],
    ]);
  });
});
