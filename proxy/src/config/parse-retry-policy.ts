import { RETRY_ON_TOKENS, type RetryOn, type RetryPolicy } from '../types.js';
import { CLUSTER_LIMITS, RETRY_DEFAULTS, ROUTE_DEFAULTS } from './defaults.js';
import { describeValue } from './describe-value.js';
import { withTypeUrl } from './field-schemas.js';
import { ROUTE_SCHEMAS } from './route-schemas.js';
import { joinPath, reportIgnored, reportIssue, type ReadContext } from './read-context.js';
import {
  isRecord,
  readChildMapping,
  readDurationMs,
  readInteger,
  readList,
  readMapping,
  readString,
  type ListItem,
  type Mapping,
} from './read-fields.js';

const RETRY_ON_NAMES: readonly string[] = RETRY_ON_TOKENS;
const PREVIOUS_HOSTS_NAME = 'envoy.retry_host_predicates.previous_hosts';
const PREVIOUS_HOSTS_TYPE_URLS: readonly unknown[] = [
  'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
  'type.googleapis.com/envoy.config.retry.previous_hosts.v2.PreviousHostsPredicate',
];

function readRetryOn(policy: Mapping, context: ReadContext): RetryOn[] {
  const text = readString(policy, 'retry_on', context, { allowEmpty: true }) ?? '';
  const names = [...new Set(text.split(',').map((token) => token.trim()))].filter((token) => token !== '');
  for (const name of names.filter((token) => !RETRY_ON_NAMES.includes(token))) {
    const message = `unsupported retry condition "${name}"; supported: ${RETRY_ON_NAMES.join(', ')} (comma-separated; the gRPC, refused-stream, retriable-headers and http3 conditions are not implemented)`;
    reportIssue(context, joinPath(policy.path, 'retry_on'), message);
  }
  return RETRY_ON_TOKENS.filter((token) => names.includes(token));
}

function readStatusCodes(policy: Mapping, context: ReadContext): number[] {
  const items = readList(policy, 'retriable_status_codes', context) ?? [];
  return items.flatMap((item) => {
    if (
      typeof item.value === 'number' &&
      Number.isInteger(item.value) &&
      item.value >= 100 &&
      item.value <= 599
    ) {
      return [item.value];
    }
    reportIssue(
      context,
      item.path,
      `must be an HTTP status code from 100 to 599, got ${describeValue(item.value)}`,
    );
    return [];
  });
}

/** Reads one `retry_host_predicate` entry; true when it is `previous_hosts`, the only predicate implemented. */
function readHostPredicate(item: ListItem, context: ReadContext): boolean {
  const predicate = readMapping(item.value, item.path, context, ROUTE_SCHEMAS.retryHostPredicate);
  if (predicate === undefined) return false;
  const name = readString(predicate, 'name', context, { isRequired: true });
  const typedConfig = predicate.fields.typed_config;
  if (typedConfig !== undefined) {
    const path = joinPath(predicate.path, 'typed_config');
    readMapping(typedConfig, path, context, withTypeUrl(ROUTE_SCHEMAS.previousHostsPredicate));
    const typeUrl = isRecord(typedConfig) ? typedConfig['@type'] : undefined;
    if (isRecord(typedConfig) && !PREVIOUS_HOSTS_TYPE_URLS.includes(typeUrl)) {
      const message = `lbbench-proxy implements only the previous_hosts predicate: "@type" must be "${String(PREVIOUS_HOSTS_TYPE_URLS[0])}", got ${describeValue(typeUrl)}`;
      reportIssue(context, joinPath(path, '@type'), message);
      return false;
    }
  }
  if (name === undefined || name === PREVIOUS_HOSTS_NAME) return name !== undefined;
  const message = `unsupported retry host predicate "${name}"; lbbench-proxy implements only ${PREVIOUS_HOSTS_NAME}`;
  reportIssue(context, joinPath(predicate.path, 'name'), message);
  return false;
}

/**
 * Reads `retry_back_off` (RetryPolicyImpl): `base_interval` is required and at least 1 ms; `max_interval`
 * defaults to 10 × base and must not be below it. Without the message: runtime default base 25 ms, max 250 ms.
 */
function readBackOff(policy: Mapping, context: ReadContext): RetryPolicy['backOff'] {
  const backOff = readChildMapping(policy, 'retry_back_off', context, ROUTE_SCHEMAS.retryBackOff);
  const defaultBaseMs = RETRY_DEFAULTS.baseIntervalMs;
  const defaults = {
    baseIntervalMs: defaultBaseMs,
    maxIntervalMs: defaultBaseMs * RETRY_DEFAULTS.maxIntervalFactor,
  };
  if (backOff === undefined) return defaults;
  const baseMs = readDurationMs(backOff, 'base_interval', context, { isRequired: true, minExclusiveMs: 0 });
  const maxMs = readDurationMs(backOff, 'max_interval', context, { minExclusiveMs: 0 });
  if (baseMs === undefined) return defaults;
  const baseIntervalMs = Math.max(1, Math.floor(baseMs));
  const maxIntervalMs =
    maxMs === undefined ? baseIntervalMs * RETRY_DEFAULTS.maxIntervalFactor : Math.max(1, Math.floor(maxMs));
  if (maxIntervalMs < baseIntervalMs) {
    const message = `must be greater than or equal to base_interval (${baseIntervalMs} ms), got ${maxIntervalMs} ms`;
    reportIssue(context, joinPath(backOff.path, 'max_interval'), message);
  }
  return { baseIntervalMs, maxIntervalMs: Math.max(baseIntervalMs, maxIntervalMs) };
}

/**
 * Reads a `retry_policy` of a route action or a virtual host (Envoy's RetryPolicyImpl); undefined when there is
 * none. The route's policy, when set, replaces the virtual host's whole; the two are never merged.
 */
export function readRetryPolicy(parent: Mapping, context: ReadContext): RetryPolicy | undefined {
  const policy = readChildMapping(parent, 'retry_policy', context, ROUTE_SCHEMAS.retryPolicy);
  if (policy === undefined) return undefined;
  const retryOn = readRetryOn(policy, context);
  const numRetries = readInteger(policy, 'num_retries', context, { min: 0, max: CLUSTER_LIMITS.maxUint32 });
  const perTryTimeoutMs = readDurationMs(policy, 'per_try_timeout', context);
  const codes = readStatusCodes(policy, context);
  const hasStatusCodes = retryOn.includes('retriable-status-codes');
  // Envoy consults the codes only when retry_on names retriable-status-codes.
  if (codes.length > 0 && !hasStatusCodes)
    reportIgnored(context, joinPath(policy.path, 'retriable_status_codes'));
  const predicates = readList(policy, 'retry_host_predicate', context) ?? [];
  const hasPreviousHostsPredicate = predicates
    .map((item) => readHostPredicate(item, context))
    .some((isPreviousHosts) => isPreviousHosts);
  const maxAttempts = readInteger(policy, 'host_selection_retry_max_attempts', context, {
    min: 0,
    max: CLUSTER_LIMITS.maxUint32,
  });
  return {
    retryOn,
    numRetries: numRetries ?? ROUTE_DEFAULTS.numRetries,
    // Envoy treats a per-try timeout of 0 as "none": only the route timeout applies.
    perTryTimeoutMs: perTryTimeoutMs === 0 ? undefined : perTryTimeoutMs,
    retriableStatusCodes: hasStatusCodes ? codes : [],
    hasPreviousHostsPredicate,
    // Envoy keeps its default of 1 when the field is 0 or unset.
    hostSelectionMaxAttempts: maxAttempts || RETRY_DEFAULTS.hostSelectionMaxAttempts,
    backOff: readBackOff(policy, context),
  };
}
