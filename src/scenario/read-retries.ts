import { RETRY_ON_TOKENS } from 'lbbench-proxy';
import type { RetryOn } from 'lbbench-proxy';
import { describeValue } from '../validation/describe-value.js';
import { joinPath } from '../validation/join-path.js';
import { formatSuggestion } from '../validation/suggest-name.js';
import { readBoolean, readDuration, readInteger, readMapping } from './read-fields.js';
import type { IssueSink } from './read-fields.js';
import type { RetrySettings } from './types.js';

/** The fields of `proxy.retries` (and of a policy entry's `retries`). */
export const RETRY_KEYS = [
  'retryOn',
  'numRetries',
  'perTryTimeout',
  'previousHosts',
  'hostSelectionRetryMaxAttempts',
] as const;

/** Envoy's defaults: `retry_on` is required here, one retry, no per-try timeout, no predicate, one re-pick. */
const RETRY_DEFAULTS = { numRetries: 1, hostSelectionRetryMaxAttempts: 1 } as const;
const MAX_UINT32 = 4_294_967_295;

function readRetryOn(value: unknown, path: string, issues: IssueSink): RetryOn[] {
  const tokens = typeof value === 'string' ? value.split(',').map((token) => token.trim()) : value;
  if (!Array.isArray(tokens) || tokens.length === 0) {
    issues.push({
      path,
      message: `is required: Envoy's retry_on conditions, a list or a comma-separated string of ${RETRY_ON_TOKENS.join(', ')}; got ${describeValue(value)}`,
    });
    return [];
  }
  const known: readonly string[] = RETRY_ON_TOKENS;
  for (const token of tokens) {
    if (typeof token === 'string' && known.includes(token)) continue;
    const hint = typeof token === 'string' ? formatSuggestion(token, RETRY_ON_TOKENS) : '';
    issues.push({
      path,
      message: `unsupported retry condition ${describeValue(token)}; supported: ${RETRY_ON_TOKENS.join(', ')}${hint}`,
    });
  }
  return RETRY_ON_TOKENS.filter((token) => tokens.includes(token));
}

/**
 * Reads a retry setting `{ retryOn, numRetries?, perTryTimeout?, previousHosts?, hostSelectionRetryMaxAttempts? }`,
 * which maps to Envoy's route `retry_policy`; undefined when absent or `false` (no retries).
 */
export function readRetries(value: unknown, path: string, issues: IssueSink): RetrySettings | undefined {
  if (value === undefined || value === false) return undefined;
  const raw = readMapping(value, path, RETRY_KEYS, issues);
  const perTryTimeoutMs = readDuration(
    raw.perTryTimeout,
    joinPath(path, 'perTryTimeout'),
    { minMs: 1 },
    0,
    issues,
  );
  return {
    retryOn: readRetryOn(raw.retryOn, joinPath(path, 'retryOn'), issues),
    numRetries: readInteger(
      raw.numRetries,
      joinPath(path, 'numRetries'),
      { min: 0, max: MAX_UINT32 },
      RETRY_DEFAULTS.numRetries,
      issues,
    ),
    perTryTimeoutMs: perTryTimeoutMs === 0 ? undefined : perTryTimeoutMs,
    previousHosts: readBoolean(raw.previousHosts, joinPath(path, 'previousHosts'), false, issues),
    hostSelectionRetryMaxAttempts: readInteger(
      raw.hostSelectionRetryMaxAttempts,
      joinPath(path, 'hostSelectionRetryMaxAttempts'),
      { min: 1, max: MAX_UINT32 },
      RETRY_DEFAULTS.hostSelectionRetryMaxAttempts,
      issues,
    ),
  };
}
