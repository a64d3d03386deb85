/** lbbench-proxy's programmatic API: start the proxy in-process, load configs, use the balancers. */
export { startProxy, writeAdminAddress } from './server/start-proxy.js';
export type { ProxyEvents, RunningProxy, StartProxyOptions } from './server/start-proxy.js';
export { ListenError } from './server/worker-pool.js';
export { loadProxyConfig } from './config/load-config.js';
export { parseProxyConfig } from './config/parse-config.js';
export { ProxyConfigError } from './config/proxy-config-error.js';
export { createBalancer } from './lb/create-balancer.js';
export { createRng, deriveSeed } from './lb/rng.js';
export { createStreamLogger, SILENT_LOGGER } from './log.js';
export type { Logger, LogLevel } from './log.js';
export { PROXY_VERSION, PROXY_VERSION_STRING } from './version.js';
export type * from './types.js';
export type { AdminSnapshot } from './admin/snapshot.js';
