#!/usr/bin/env node
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadProxyConfig } from './config/load-config.js';
import { ProxyConfigError } from './config/proxy-config-error.js';
import type { LogLevel } from './log.js';
import { createStreamLogger, LOG_LEVELS } from './log.js';
import { ListenError } from './server/worker-pool.js';
import { startProxy, writeAdminAddress } from './server/start-proxy.js';
import { PROXY_VERSION, PROXY_VERSION_STRING } from './version.js';

const HELP = `lbbench-proxy ${PROXY_VERSION}: an Envoy-compatible HTTP/1.1 proxy with STRICT_DNS clusters and
Envoy's load balancers (ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV), for benchmarking them.

Usage: lbbench-proxy -c FILE [options]

  -c, --config-path FILE       Envoy static bootstrap (v2 or v3 YAML). \${VAR} references are expanded
                               from the environment; an unset variable is an error.
      --concurrency N          Worker threads, each with its own balancer state and connection pools
                               (default 1). Envoy defaults to the number of cores; with N > 1 round
                               robin is per worker, so per-host counts may differ by up to N.
      --dns-server HOST:PORT   DNS server for STRICT_DNS/LOGICAL_DNS clusters (default: the system's).
      --admin-address-path F   Write the bound admin address (ip:port) to F once listening.
      --seed N                 Base seed of the balancers' random sources (default: random).
  -l, --log-level LEVEL        trace, debug, info, warning, error, critical or off (default info).
      --mode serve|validate    validate: check the config and exit (0 valid, 2 invalid).
      --version                Print the version and exit.
  -h, --help                   Print this help and exit.

Exit codes: 0 stopped normally, 1 runtime failure (address in use, worker crash), 2 bad flags or config.
Admin endpoints: /clusters, /config_dump, /stats, /stats/prometheus, /listeners, /ready, /server_info,
POST /reset_counters, POST /drain_listeners, POST /quitquitquit.
SIGTERM, SIGINT and /quitquitquit drain first: no new connections, requests in flight finish with
connection: close; the proxy exits when no client connection is left, or after 10 s.`;

class UsageError extends Error {}

interface ProxyArgs {
  readonly configPath: string;
  readonly concurrency: number;
  readonly dnsServer: string | undefined;
  readonly adminAddressPath: string | undefined;
  readonly seed: number;
  readonly logLevel: LogLevel;
  readonly mode: 'serve' | 'validate';
}

function parseInteger(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

function parseProxyArgs(argv: readonly string[]): ProxyArgs | 'help' | 'version' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'config-path': { type: 'string', short: 'c' },
      concurrency: { type: 'string' },
      'dns-server': { type: 'string' },
      'admin-address-path': { type: 'string' },
      seed: { type: 'string' },
      'log-level': { type: 'string', short: 'l' },
      mode: { type: 'string' },
      version: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return 'help';
  if (values.version === true) return 'version';
  const configPath = values['config-path'];
  if (configPath === undefined) throw new UsageError('missing -c/--config-path FILE');
  const logLevel = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const mode = values.mode ?? 'serve';
  if (mode !== 'serve' && mode !== 'validate')
    throw new UsageError(`--mode must be serve or validate, got "${mode}"`);
  return {
    configPath,
    concurrency: parseInteger('concurrency', values.concurrency ?? '1', 1, 256),
    dnsServer: values['dns-server'],
    adminAddressPath: values['admin-address-path'],
    seed:
      values.seed === undefined ? randomInt(0, 2 ** 32) : parseInteger('seed', values.seed, 0, 2 ** 32 - 1),
    logLevel: logLevel as LogLevel,
    mode,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseProxyArgs>;
  try {
    args = parseProxyArgs(argv);
  } catch (error) {
    process.stderr.write(`lbbench-proxy: ${(error as Error).message}\nRun lbbench-proxy --help for usage.\n`);
    return 2;
  }
  if (args === 'help') return (process.stdout.write(`${HELP}\n`), 0);
  if (args === 'version')
    return (process.stdout.write(`lbbench-proxy version: ${PROXY_VERSION_STRING}\n`), 0);
  const logger = createStreamLogger(args.logLevel, (line) => process.stderr.write(line));
  let config;
  try {
    config = await loadProxyConfig(args.configPath);
  } catch (error) {
    if (!(error instanceof ProxyConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (config.ignoredFields.length > 0) {
    logger.log('info', 'config', `accepted but not used here: ${config.ignoredFields.join(', ')}`);
  }
  if (args.mode === 'validate') {
    process.stdout.write(`configuration '${args.configPath}' OK\n`);
    return 0;
  }
  let proxy;
  try {
    proxy = await startProxy({ ...args, config, logger });
  } catch (error) {
    const detail = error instanceof ListenError ? `${error.code}: ${error.message}` : String(error);
    logger.log('critical', 'main', `cannot start: ${detail}`);
    return 1;
  }
  if (args.adminAddressPath !== undefined) {
    try {
      await writeAdminAddress(args.adminAddressPath, proxy.adminAddress);
    } catch (error) {
      logger.log(
        'critical',
        'main',
        `cannot write the admin address to ${args.adminAddressPath}: ${(error as Error).message}`,
      );
      await proxy.close();
      return 1;
    }
  }
  return new Promise<number>((resolve) => {
    const stop = (code: number, reason: string): void => {
      logger.log('info', 'main', `shutting down: ${reason}`);
      void proxy.close().then(() => {
        resolve(code);
      });
    };
    process.once('SIGTERM', () => {
      stop(0, 'SIGTERM');
    });
    process.once('SIGINT', () => {
      stop(0, 'SIGINT');
    });
    // Started by a Node parent with an IPC channel (the lbbench harness): do not outlive it.
    if (process.send !== undefined)
      process.once('disconnect', () => {
        stop(0, 'parent went away');
      });
    proxy.once('quit', () => {
      stop(0, '/quitquitquit');
    });
    proxy.once('fatal', (error) => {
      logger.log('critical', 'main', error.message);
      stop(1, 'fatal error');
    });
  });
}

process.exitCode = await main(process.argv.slice(2));
// An IPC channel from the parent would keep the event loop alive after shutdown.
if (process.connected) process.disconnect();
