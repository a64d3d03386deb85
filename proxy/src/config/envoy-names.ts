/** Extension names and type URLs that lbbench-proxy recognises, v3 first, then their v2 spellings. */
export const ENVOY_NAMES = {
  httpConnectionManager: {
    v3Name: 'envoy.filters.network.http_connection_manager',
    v2Name: 'envoy.http_connection_manager',
    v3TypeUrl:
      'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    v2TypeUrl:
      'type.googleapis.com/envoy.config.filter.network.http_connection_manager.v2.HttpConnectionManager',
  },
  router: {
    v3Name: 'envoy.filters.http.router',
    v2Name: 'envoy.router',
    v3TypeUrl: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
    v2TypeUrl: 'type.googleapis.com/envoy.config.filter.http.router.v2.Router',
  },
  fileAccessLog: {
    v3Name: 'envoy.access_loggers.file',
    v2Name: 'envoy.file_access_log',
    v3TypeUrl: 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
    v2TypeUrl: 'type.googleapis.com/envoy.config.accesslog.v2.FileAccessLog',
  },
} as const;

/** The names and type URLs of one extension. */
export type ExtensionNames = (typeof ENVOY_NAMES)[keyof typeof ENVOY_NAMES];
