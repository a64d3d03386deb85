import type { ListenerConfig } from '../types.js';
import { DEFAULT_MAX_REQUEST_HEADERS_KB, DEFAULT_SERVER_NAME } from './defaults.js';
import { ENVOY_NAMES } from './envoy-names.js';
import { LISTENER_SCHEMAS } from './field-schemas.js';
import { ROUTE_SCHEMAS } from './route-schemas.js';
import { readFilterSettings, type FilterKind } from './filter-settings.js';
import { readConnectionLimits } from './parse-protocol-options.js';
import { readRouteConfiguration } from './parse-route-configuration.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import {
  readBoolean,
  readChildMapping,
  readEnum,
  readInteger,
  readList,
  readMapping,
  readString,
  type ListItem,
  type Mapping,
} from './read-fields.js';

/** What a listener's http_connection_manager contributes to its {@link ListenerConfig}. */
export type HttpManagerConfig = Omit<ListenerConfig, 'name' | 'address' | 'bufferLimitBytes'>;

const HTTP_CONNECTION_MANAGER: FilterKind = {
  names: ENVOY_NAMES.httpConnectionManager,
  description: 'the http_connection_manager network filter',
  hasRequiredSettings: true,
};

const ROUTER: FilterKind = {
  names: ENVOY_NAMES.router,
  description: 'the router HTTP filter',
  hasRequiredSettings: false,
};

/** Reads one `http_filters` entry, which must be the router; returns its `suppress_envoy_headers`. */
function readRouterFilter(item: ListItem, context: ReadContext): boolean | undefined {
  const filter = readMapping(item.value, item.path, context, LISTENER_SCHEMAS.httpFilter);
  if (filter === undefined) return undefined;
  readString(filter, 'name', context, { isRequired: true });
  const settings = readFilterSettings(filter, ROUTER, LISTENER_SCHEMAS.router, context);
  return settings === undefined
    ? undefined
    : (readBoolean(settings, 'suppress_envoy_headers', context) ?? false);
}

/** Reads `http_filters`, which must be exactly the router (the proxy has no other HTTP filters). */
function readHttpFilters(manager: Mapping, context: ReadContext): boolean | undefined {
  const items = readList(manager, 'http_filters', context);
  const path = joinPath(manager.path, 'http_filters');
  if (items === undefined || items.length === 0) {
    reportIssue(context, path, `must hold the router filter, e.g. [{name: ${ENVOY_NAMES.router.v3Name}}]`);
    return undefined;
  }
  const results = items.map((item) => readRouterFilter(item, context));
  if (items.length > 1) {
    reportIssue(context, path, `must hold exactly one filter, the router, got ${items.length} filters`);
    return undefined;
  }
  return results[0];
}

function readManagerSettings(settings: Mapping, context: ReadContext): HttpManagerConfig | undefined {
  const statPrefix = readString(settings, 'stat_prefix', context, { isRequired: true });
  const serverName = readString(settings, 'server_name', context) ?? DEFAULT_SERVER_NAME;
  // The proxy speaks HTTP/1.1 to clients; AUTO is Envoy's default and means the same for HTTP/1.1 clients.
  readEnum(settings, 'codec_type', context, ['AUTO', 'HTTP1'] as const);
  // Envoy's bounds and default (api/envoy/extensions/filters/network/http_connection_manager/v3: gt 0, lte 8192).
  const maxRequestHeadersKb =
    readInteger(settings, 'max_request_headers_kb', context, { min: 1, max: 8192 }) ??
    DEFAULT_MAX_REQUEST_HEADERS_KB;
  const routeConfig = readChildMapping(settings, 'route_config', context, ROUTE_SCHEMAS.routeConfiguration, {
    isRequired: true,
  });
  const virtualHosts = routeConfig === undefined ? undefined : readRouteConfiguration(routeConfig, context);
  const suppressEnvoyHeaders = readHttpFilters(settings, context);
  if (statPrefix === undefined || virtualHosts === undefined || suppressEnvoyHeaders === undefined)
    return undefined;
  const limits = readConnectionLimits(settings, context);
  return { statPrefix, serverName, virtualHosts, suppressEnvoyHeaders, maxRequestHeadersKb, limits };
}

/** Reads a listener's network filter, which must be the http_connection_manager. */
export function readHttpConnectionManagerFilter(
  item: ListItem,
  context: ReadContext,
): HttpManagerConfig | undefined {
  const filter = readMapping(item.value, item.path, context, LISTENER_SCHEMAS.networkFilter);
  if (filter === undefined) return undefined;
  readString(filter, 'name', context, { isRequired: true });
  const settings = readFilterSettings(
    filter,
    HTTP_CONNECTION_MANAGER,
    LISTENER_SCHEMAS.httpConnectionManager,
    context,
  );
  return settings === undefined ? undefined : readManagerSettings(settings, context);
}
