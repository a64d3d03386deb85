import type { AdminSnapshot } from './snapshot.js';

type JsonObject = Record<string, unknown>;

/** Type URLs of the dump messages, for configs written in the v3 API and the v2 API. */
const TYPE_URLS = {
  v3: {
    bootstrap: 'envoy.admin.v3.BootstrapConfigDump',
    clusters: 'envoy.admin.v3.ClustersConfigDump',
    listeners: 'envoy.admin.v3.ListenersConfigDump',
    scopedRoutes: 'envoy.admin.v3.ScopedRoutesConfigDump',
    routes: 'envoy.admin.v3.RoutesConfigDump',
    secrets: 'envoy.admin.v3.SecretsConfigDump',
    cluster: 'envoy.config.cluster.v3.Cluster',
    listener: 'envoy.config.listener.v3.Listener',
    routeConfig: 'envoy.config.route.v3.RouteConfiguration',
  },
  v2: {
    bootstrap: 'envoy.admin.v2alpha.BootstrapConfigDump',
    clusters: 'envoy.admin.v2alpha.ClustersConfigDump',
    listeners: 'envoy.admin.v2alpha.ListenersConfigDump',
    scopedRoutes: 'envoy.admin.v2alpha.ScopedRoutesConfigDump',
    routes: 'envoy.admin.v2alpha.RoutesConfigDump',
    secrets: 'envoy.admin.v2alpha.SecretsConfigDump',
    cluster: 'envoy.api.v2.Cluster',
    listener: 'envoy.api.v2.Listener',
    routeConfig: 'envoy.api.v2.RouteConfiguration',
  },
} as const;

/**
 * Renders `GET /config_dump` as an `envoy.admin.v3.ConfigDump` built from the parsed config file
 * (`snapshot.config.source`): the bootstrap, static clusters, static listeners and their inline route
 * configurations, in Envoy's config-tracker order. Query options (`resource`, `mask`, `include_eds`) are not
 * supported. `last_updated` is omitted: the snapshot carries no wall-clock load time.
 */
export function renderConfigDump(snapshot: AdminSnapshot): string {
  const types = TYPE_URLS[snapshot.config.apiVersion];
  const bootstrap = asObject(snapshot.config.source) ?? {};
  const staticResources = asObject(readField(bootstrap, 'static_resources')) ?? {};
  const clusters = asArray(readField(staticResources, 'clusters'));
  const listeners = asArray(readField(staticResources, 'listeners'));
  const routeConfigs = listeners.flatMap(findRouteConfigs);
  const configs = [
    { '@type': typeUrl(types.bootstrap), bootstrap },
    withEntries(types.clusters, 'static_clusters', clusters, (cluster) => ({
      cluster: pack(types.cluster, cluster),
    })),
    withEntries(types.listeners, 'static_listeners', listeners, (listener) => ({
      listener: pack(types.listener, listener),
    })),
    { '@type': typeUrl(types.scopedRoutes) },
    withEntries(types.routes, 'static_route_configs', routeConfigs, (routeConfig) => ({
      route_config: pack(types.routeConfig, routeConfig),
    })),
    { '@type': typeUrl(types.secrets) },
  ];
  return `${JSON.stringify({ configs }, null, 1)}\n`;
}

function withEntries(
  dumpType: string,
  key: string,
  items: readonly unknown[],
  toEntry: (item: unknown) => JsonObject,
): JsonObject {
  // proto3 JSON omits an empty repeated field.
  return { '@type': typeUrl(dumpType), ...(items.length === 0 ? {} : { [key]: items.map(toEntry) }) };
}

function pack(type: string, value: unknown): JsonObject {
  return { '@type': typeUrl(type), ...(asObject(value) ?? {}) };
}

function typeUrl(type: string): string {
  return `type.googleapis.com/${type}`;
}

/** The route_config objects inlined in a listener's http_connection_manager filters (v2 `config` or v3 `typed_config`). */
function findRouteConfigs(listener: unknown): unknown[] {
  const chains = asArray(readField(asObject(listener) ?? {}, 'filter_chains'));
  return chains.flatMap((chain) =>
    asArray(readField(asObject(chain) ?? {}, 'filters')).flatMap((filter) => {
      const filterObject = asObject(filter) ?? {};
      const config =
        asObject(readField(filterObject, 'typed_config')) ?? asObject(readField(filterObject, 'config'));
      const routeConfig = config === undefined ? undefined : asObject(readField(config, 'route_config'));
      return routeConfig === undefined ? [] : [routeConfig];
    }),
  );
}

/** Reads a field by its snake_case name or its lowerCamelCase JSON name; Envoy accepts both in YAML. */
function readField(object: JsonObject, snakeName: string): unknown {
  if (snakeName in object) {
    return object[snakeName];
  }
  const camelName = snakeName.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return object[camelName];
}

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
