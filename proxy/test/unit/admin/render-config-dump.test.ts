import { describe, expect, it } from 'vitest';
import { renderConfigDump } from '../../../src/admin/render-config-dump.js';
import { makeConfig, makeSnapshot, SEED_SOURCE } from './make-snapshot.js';

interface Dump {
  configs: Record<string, unknown>[];
}

const parse = (body: string): Dump => JSON.parse(body) as Dump;

describe('renderConfigDump', () => {
  it('lists the dumps in config-tracker order with v2 type URLs for a v2 config', () => {
    const dump = parse(renderConfigDump(makeSnapshot()));
    expect(dump.configs.map((config) => config['@type'])).toEqual([
      'type.googleapis.com/envoy.admin.v2alpha.BootstrapConfigDump',
      'type.googleapis.com/envoy.admin.v2alpha.ClustersConfigDump',
      'type.googleapis.com/envoy.admin.v2alpha.ListenersConfigDump',
      'type.googleapis.com/envoy.admin.v2alpha.ScopedRoutesConfigDump',
      'type.googleapis.com/envoy.admin.v2alpha.RoutesConfigDump',
      'type.googleapis.com/envoy.admin.v2alpha.SecretsConfigDump',
    ]);
    expect(dump.configs[0]).toEqual({ '@type': dump.configs[0]!['@type'], bootstrap: SEED_SOURCE });
  });

  it('packs static clusters, listeners and inline route configs as Any messages', () => {
    const dump = parse(renderConfigDump(makeSnapshot()));
    expect(dump.configs[1]).toMatchObject({
      static_clusters: [
        {
          cluster: {
            '@type': 'type.googleapis.com/envoy.api.v2.Cluster',
            name: 'myapp_cluster',
            lb_policy: 'ROUND_ROBIN',
          },
        },
      ],
    });
    expect(dump.configs[2]).toMatchObject({
      static_listeners: [
        { listener: { '@type': 'type.googleapis.com/envoy.api.v2.Listener', name: 'listener_0' } },
      ],
    });
    expect(dump.configs[4]).toMatchObject({
      static_route_configs: [
        {
          route_config: {
            '@type': 'type.googleapis.com/envoy.api.v2.RouteConfiguration',
            name: 'local_route',
          },
        },
      ],
    });
  });

  it('reads a v3 config (typed_config, camelCase keys) and uses v3 type URLs', () => {
    const source = {
      staticResources: {
        clusters: [{ name: 'c3', type: 'STRICT_DNS' }],
        listeners: [
          {
            name: 'l3',
            filterChains: [
              {
                filters: [
                  {
                    name: 'envoy.filters.network.http_connection_manager',
                    typedConfig: { '@type': 'x', routeConfig: { name: 'r3' } },
                  },
                ],
              },
            ],
          },
        ],
      },
    };
    const dump = parse(renderConfigDump(makeSnapshot({ config: makeConfig(source, 'v3') })));
    expect(dump.configs[1]).toEqual({
      '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      static_clusters: [
        {
          cluster: {
            '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
            name: 'c3',
            type: 'STRICT_DNS',
          },
        },
      ],
    });
    expect(dump.configs[4]).toEqual({
      '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
      static_route_configs: [
        {
          route_config: {
            '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
            name: 'r3',
          },
        },
      ],
    });
  });

  it('omits empty repeated fields when the source has no static resources', () => {
    const dump = parse(renderConfigDump(makeSnapshot({ config: makeConfig({}, 'v3') })));
    expect(dump.configs.slice(1).every((config) => Object.keys(config).length === 1)).toBe(true);
  });
});
