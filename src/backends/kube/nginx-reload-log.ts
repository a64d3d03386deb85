import type { ConfigReload } from '../../results/types.js';
import { NGINX_DISCOVERY_LOG_PREFIX, NGINX_RELOAD_LOG_PREFIX } from './nginx-discovery-script.js';

/** A reload of the nginx row's pod: when its discovery loop saw the change and when only new workers were left. */
export interface NginxReloadTimes {
  /** Epoch ms (the pod's clock) of the poll that first resolved the new set of addresses. */
  readonly changedAtMs: number;
  /** Epoch ms (the pod's clock) when the old config's workers had exited; undefined when they did not in time. */
  readonly servedAtMs: number | undefined;
}

/** One upstream list the nginx row's pod served: the one it started with, or one a reload brought. */
export interface NginxUpstreamGeneration {
  readonly generation: number;
  /** The pod IPs the upstream lists, as the discovery loop resolved them. */
  readonly servers: readonly string[];
  /** Absent for the list the pod started with (`lbbench-discovery`). */
  readonly reload?: NginxReloadTimes;
}

/** What the discovery loop's lines in the nginx pod's log say. */
export interface NginxDiscoveryLog {
  readonly generations: readonly NginxUpstreamGeneration[];
  /** Lines that start with one of the loop's prefixes but do not parse (they are left out). */
  readonly unparsedLines: readonly string[];
}

const DIGITS = /^\d+$/;
const ADDRESS = /^[0-9A-Fa-f.:]+$/;

function readFields(tokens: readonly string[]): ReadonlyMap<string, string> | undefined {
  const fields = new Map<string, string>();
  for (const token of tokens) {
    const at = token.indexOf('=');
    if (at <= 0) return undefined;
    fields.set(token.slice(0, at), token.slice(at + 1));
  }
  return fields;
}

function readMs(value: string | undefined): number | undefined {
  return value !== undefined && DIGITS.test(value) ? Number(value) : undefined;
}

function readServers(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const servers = value === '' ? [] : value.split(',');
  return servers.every((server) => ADDRESS.test(server)) ? servers : undefined;
}

function parseLine(prefix: string, tokens: readonly string[]): NginxUpstreamGeneration | undefined {
  const fields = readFields(tokens);
  const generation = readMs(fields?.get('generation'));
  const servers = readServers(fields?.get('servers'));
  if (fields === undefined || generation === undefined || servers === undefined) return undefined;
  if (prefix === NGINX_DISCOVERY_LOG_PREFIX) return { generation, servers };
  const changedAtMs = readMs(fields.get('changed_at_ms'));
  const served = fields.get('served_at_ms');
  const servedAtMs = served === 'none' ? undefined : readMs(served);
  if (changedAtMs === undefined || (served !== 'none' && servedAtMs === undefined)) return undefined;
  return { generation, servers, reload: { changedAtMs, servedAtMs } };
}

/**
 * Reads the discovery loop's lines (`nginx-discovery-script.ts`) out of the nginx row's pod log, in log order;
 * nginx's own lines are skipped, a line with the loop's prefix that does not parse is kept in `unparsedLines`.
 */
export function parseNginxDiscoveryLog(log: string): NginxDiscoveryLog {
  const generations: NginxUpstreamGeneration[] = [];
  const unparsedLines: string[] = [];
  for (const line of log.split('\n')) {
    const [prefix = '', ...tokens] = line.trim().split(/\s+/);
    if (prefix !== NGINX_DISCOVERY_LOG_PREFIX && prefix !== NGINX_RELOAD_LOG_PREFIX) continue;
    const parsed = parseLine(prefix, tokens);
    if (parsed === undefined) unparsedLines.push(line.trim());
    else generations.push(parsed);
  }
  return { generations, unparsedLines };
}

/**
 * The reloads of a parsed log as results.json records them. On kind/kube `changedAt` is when the pod's discovery
 * loop first resolved the new addresses, and `lagMs` runs from there to the moment the old config's workers had
 * exited, so that every new connection is served by the new config: the reload's own lag, as on local (whose
 * backend tells nginx of a change at once). The DNS side comes before it and is not in `lagMs`: the change reaches
 * the loop up to one `dnsRefreshRate` (plus the cluster DNS's caching) after the pods changed. Reloads whose old
 * workers never exited have no lag and are counted in `unserved` instead.
 */
export function toConfigReloads(log: NginxDiscoveryLog): {
  readonly reloads: readonly ConfigReload[];
  readonly unserved: number;
} {
  const reloads: ConfigReload[] = [];
  let unserved = 0;
  for (const { servers, reload } of log.generations) {
    if (reload === undefined) continue;
    if (reload.servedAtMs === undefined) {
      unserved += 1;
      continue;
    }
    reloads.push({
      changedAt: new Date(reload.changedAtMs).toISOString(),
      servers: servers.length,
      lagMs: reload.servedAtMs - reload.changedAtMs,
    });
  }
  return { reloads, unserved };
}
