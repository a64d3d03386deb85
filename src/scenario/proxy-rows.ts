import { describeValue } from '../validation/describe-value.js';
import { isRecord } from '../validation/is-record.js';
import { formatSuggestion } from '../validation/suggest-name.js';
import type { IssueSink } from './read-fields.js';

/** Balancers other than an Envoy-style proxy that a policy entry may name with `proxy:`. */
export const OTHER_PROXIES = ['haproxy', 'nginx'] as const;
/** One of {@link OTHER_PROXIES}. */
export type OtherProxy = (typeof OTHER_PROXIES)[number];

/**
 * HAProxy's `balance` algorithms a row may use, spelled as HAProxy spells them; `random` is emitted as
 * `balance random(2)` (two draws on the consistent-hash ring, the less loaded server wins: power of two choices).
 */
export const HAPROXY_POLICIES = ['roundrobin', 'leastconn', 'random'] as const;
/** One of {@link HAPROXY_POLICIES}. */
export type HaproxyPolicy = (typeof HAPROXY_POLICIES)[number];

/**
 * nginx OSS upstream methods a row may use: `round_robin` (no directive, nginx's default), `least_conn`, and
 * `random_two`, emitted as `random two least_conn` (two random servers, the one with fewer active connections wins;
 * `least_conn` is also nginx's default method after `two`).
 */
export const NGINX_POLICIES = ['round_robin', 'least_conn', 'random_two'] as const;
/** One of {@link NGINX_POLICIES}. */
export type NginxPolicy = (typeof NGINX_POLICIES)[number];

/** A row balanced by HAProxy or nginx instead of the Envoy-style proxy. */
export type OtherProxyRow =
  | { readonly name: string; readonly proxy: 'haproxy'; readonly policy: HaproxyPolicy }
  | { readonly name: string; readonly proxy: 'nginx'; readonly policy: NginxPolicy };

const POLICIES_BY_PROXY: Readonly<Record<OtherProxy, readonly string[]>> = {
  haproxy: HAPROXY_POLICIES,
  nginx: NGINX_POLICIES,
};

/** The keys an entry naming HAProxy or nginx may have: their algorithms take no Envoy settings. */
const OTHER_PROXY_KEYS = ['proxy', 'policy', 'name'] as const;

/** Whether `value` names a proxy of {@link OTHER_PROXIES}. */
export function isOtherProxy(value: unknown): value is OtherProxy {
  return typeof value === 'string' && (OTHER_PROXIES as readonly string[]).includes(value);
}

/** The default row name of a HAProxy or nginx row: `haproxy:leastconn`, `nginx:least_conn`. */
export function formatOtherProxyRowName(proxy: OtherProxy, policy: string): string {
  return `${proxy}:${policy}`;
}

/**
 * Reads a policy entry object whose `proxy` is `haproxy` or `nginx` (`{ proxy: haproxy, policy: leastconn }`) into
 * a row, pushing an issue that lists the allowed values for a bad `policy`, a bad `name` or any other key.
 * Returns undefined when it pushed an issue.
 */
export function readOtherProxyEntry(
  entry: Readonly<Record<string, unknown>>,
  path: string,
  issues: IssueSink,
): OtherProxyRow | undefined {
  const proxy = entry['proxy'];
  if (!isOtherProxy(proxy)) {
    issues.push({
      path: `${path}.proxy`,
      message: `must be one of ${OTHER_PROXIES.join(', ')} here, got ${describeValue(proxy)}`,
    });
    return undefined;
  }
  const start = issues.length;
  for (const key of Object.keys(entry)) {
    if (!(OTHER_PROXY_KEYS as readonly string[]).includes(key)) {
      issues.push({
        path: `${path}.${key}`,
        message: `is not a setting of a ${proxy} row (allowed keys: ${OTHER_PROXY_KEYS.join(', ')}); ${proxy}'s algorithms take no Envoy settings`,
      });
    }
  }
  const policy = readOtherProxyPolicy(proxy, entry['policy'], `${path}.policy`, issues);
  const name = readRowName(entry['name'], `${path}.name`, issues);
  if (policy === undefined || issues.length > start) return undefined;
  const rowName = name ?? formatOtherProxyRowName(proxy, policy);
  return proxy === 'haproxy'
    ? { name: rowName, proxy, policy: policy as HaproxyPolicy }
    : { name: rowName, proxy, policy: policy as NginxPolicy };
}

function readOtherProxyPolicy(
  proxy: OtherProxy,
  value: unknown,
  path: string,
  issues: IssueSink,
): string | undefined {
  const allowed = POLICIES_BY_PROXY[proxy];
  const policy = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (policy !== undefined && allowed.includes(policy)) return policy;
  const hint = typeof value === 'string' ? formatSuggestion(value.trim(), allowed) : '';
  issues.push({
    path,
    message: `must be one of ${allowed.join(', ')} for proxy ${proxy}, got ${describeValue(value)}${hint}`,
  });
  return undefined;
}

function readRowName(value: unknown, path: string, issues: IssueSink): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && /^[A-Za-z0-9_.:-]+$/.test(value)) return value;
  issues.push({
    path,
    message: `must be a row name of letters, digits and . _ : -, got ${describeValue(value)}`,
  });
  return undefined;
}

/** Whether `value` is a policy entry object that names HAProxy or nginx. */
export function isOtherProxyEntry(value: unknown): value is Readonly<Record<string, unknown>> {
  return isRecord(value) && isOtherProxy(value['proxy']);
}
