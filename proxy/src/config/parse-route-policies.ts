import { RETRY_ON_TOKENS, type HashPolicy, type RetryOn, type RetryPolicy } from '../types.js';
import { CLUSTER_LIMITS, ROUTE_DEFAULTS } from './defaults.js';
import { describeValue } from './describe-value.js';
import { ROUTE_SCHEMAS } from './route-schemas.js';
import { joinPath, reportIgnored, reportIssue, type ReadContext } from './read-context.js';
import {
  readBoolean,
  readChildMapping,
  readDurationMs,
  readInteger,
  readList,
  readMapping,
  readString,
  type ListItem,
  type Mapping,
} from './read-fields.js';

// `retriable_status_codes` only act with this token, so it is not a RetryOn of its own.
const STATUS_CODES_TOKEN = 'retriable-status-codes';
const RETRY_ON_NAMES: readonly string[] = [...RETRY_ON_TOKENS, STATUS_CODES_TOKEN];
const HTTP_HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function readRetryOn(policy: Mapping, context: ReadContext): { tokens: RetryOn[]; hasStatusCodes: boolean } {
  const text = readString(policy, 'retry_on', context, { allowEmpty: true }) ?? '';
  const names = [...new Set(text.split(',').map((token) => token.trim()))].filter((token) => token !== '');
  const unsupported = names.filter((name) => !RETRY_ON_NAMES.includes(name));
  for (const name of unsupported) {
    const message = `unsupported retry condition "${name}"; supported: ${RETRY_ON_NAMES.join(', ')} (comma-separated)`;
    reportIssue(context, joinPath(policy.path, 'retry_on'), message);
  }
  const tokens = RETRY_ON_TOKENS.filter((token) => names.includes(token));
  return { tokens, hasStatusCodes: names.includes(STATUS_CODES_TOKEN) };
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

/** Reads a route's `retry_policy`; undefined when the route has none (Envoy then never retries). */
export function readRetryPolicy(action: Mapping, context: ReadContext): RetryPolicy | undefined {
  const policy = readChildMapping(action, 'retry_policy', context, ROUTE_SCHEMAS.retryPolicy);
  if (policy === undefined) return undefined;
  const { tokens, hasStatusCodes } = readRetryOn(policy, context);
  const numRetries = readInteger(policy, 'num_retries', context, { min: 0, max: CLUSTER_LIMITS.maxUint32 });
  const perTryTimeoutMs = readDurationMs(policy, 'per_try_timeout', context);
  const codes = readStatusCodes(policy, context);
  if (codes.length > 0 && !hasStatusCodes) {
    // Envoy consults the codes only when retry_on names retriable-status-codes.
    reportIgnored(context, joinPath(policy.path, 'retriable_status_codes'));
  }
  return {
    retryOn: tokens,
    numRetries: numRetries ?? ROUTE_DEFAULTS.numRetries,
    // Envoy treats a per-try timeout of 0 as "none": only the route timeout applies.
    perTryTimeoutMs: perTryTimeoutMs === 0 ? undefined : perTryTimeoutMs,
    retriableStatusCodes: hasStatusCodes ? codes : [],
  };
}

function readHashPolicy(item: ListItem, context: ReadContext): HashPolicy | undefined {
  const policy = readMapping(item.value, item.path, context, ROUTE_SCHEMAS.hashPolicy);
  if (policy === undefined) return undefined;
  const terminal = readBoolean(policy, 'terminal', context) ?? false;
  const header = readChildMapping(policy, 'header', context, ROUTE_SCHEMAS.hashPolicyHeader);
  if (policy.fields.header === undefined) {
    reportIssue(
      context,
      item.path,
      'must set header: {header_name: …}; lbbench-proxy hashes only on request headers',
    );
  }
  const headerName = header && readString(header, 'header_name', context, { isRequired: true });
  if (headerName === undefined) return undefined;
  if (!HTTP_HEADER_NAME.test(headerName)) {
    reportIssue(
      context,
      joinPath(header?.path ?? item.path, 'header_name'),
      `must be an HTTP header name, got "${headerName}"`,
    );
    return undefined;
  }
  // Header names are case-insensitive; Node hands the proxy lower-cased names.
  return { headerName: headerName.toLowerCase(), terminal };
}

/** Reads a route's `hash_policy` list (header hashing only). */
export function readHashPolicies(action: Mapping, context: ReadContext): HashPolicy[] {
  const items = readList(action, 'hash_policy', context) ?? [];
  return items.map((item) => readHashPolicy(item, context)).filter((policy) => policy !== undefined);
}
