import type { InputIssue } from '../errors.js';
import { describeValue } from '../validation/describe-value.js';
import { isRecord } from '../validation/is-record.js';
import { joinPath } from '../validation/join-path.js';
import { formatDurationMs, parseDuration } from '../validation/parse-duration.js';
import { describeUnknownName, formatSuggestion } from '../validation/suggest-name.js';

/** Where issues are collected while a scenario is read: every reader appends instead of throwing. */
export type IssueSink = InputIssue[];

/** A parsed YAML mapping. */
export type RawMapping = Readonly<Record<string, unknown>>;

/**
 * Reads a mapping section, reporting unknown keys with the closest of `suggestions` (default: the known keys). A
 * missing or empty (`null`) section reads as `{}`; anything else that is not a mapping is an issue.
 */
export function readMapping(
  value: unknown,
  path: string,
  knownKeys: readonly string[],
  issues: IssueSink,
  suggestions: readonly string[] = knownKeys,
): RawMapping {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    issues.push({
      path,
      message: `must be a mapping of ${knownKeys.join(', ')}, got ${describeValue(value)}`,
    });
    return {};
  }
  for (const key of Object.keys(value)) {
    if (!knownKeys.includes(key)) {
      issues.push({
        path: joinPath(path, key),
        message: describeUnknownName('unknown field', key, knownKeys, 'fields', suggestions),
      });
    }
  }
  return value;
}

/** Bounds of an integer field. */
export interface IntegerBounds {
  readonly min: number;
  readonly max?: number;
}

/** Describes the allowed integers: `an integer ≥ 1` or `an integer from 1 to 250`. */
function describeIntegerBounds(bounds: IntegerBounds): string {
  return bounds.max === undefined
    ? `an integer ≥ ${bounds.min}`
    : `an integer from ${bounds.min} to ${bounds.max}`;
}

/** Reads an integer within bounds; `fallback` when missing or invalid (the issue is recorded). */
export function readInteger(
  value: unknown,
  path: string,
  bounds: IntegerBounds,
  fallback: number,
  issues: IssueSink,
): number {
  if (value === undefined) return fallback;
  const isValid =
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= bounds.min &&
    (bounds.max === undefined || value <= bounds.max);
  if (isValid) return value;
  issues.push({ path, message: `must be ${describeIntegerBounds(bounds)}, got ${describeValue(value)}` });
  return fallback;
}

/** Reads a number > 0 (e.g. a rate); undefined when missing or invalid. */
export function readPositiveNumber(
  value: unknown,
  path: string,
  what: string,
  issues: IssueSink,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  issues.push({ path, message: `must be a number > 0 (${what}), got ${describeValue(value)}` });
  return undefined;
}

/** Bounds of a duration field in ms. */
export interface DurationBounds {
  readonly minMs: number;
  readonly maxMs?: number;
}

/** Reads a duration string such as `10s` into ms within bounds; `fallbackMs` when missing or invalid. */
export function readDuration(
  value: unknown,
  path: string,
  bounds: DurationBounds,
  fallbackMs: number,
  issues: IssueSink,
): number {
  if (value === undefined) return fallbackMs;
  const parsed = parseDuration(value);
  if (!parsed.isValid) {
    issues.push({ path, message: parsed.message });
    return fallbackMs;
  }
  if (parsed.valueMs < bounds.minMs || (bounds.maxMs !== undefined && parsed.valueMs > bounds.maxMs)) {
    const range =
      bounds.maxMs === undefined
        ? `≥ ${formatDurationMs(bounds.minMs)}`
        : `from ${formatDurationMs(bounds.minMs)} to ${formatDurationMs(bounds.maxMs)}`;
    issues.push({ path, message: `must be a duration ${range}, got ${describeValue(value)}` });
    return fallbackMs;
  }
  return parsed.valueMs;
}

/** Reads one of a fixed set of words (case-insensitive); `fallback` when missing or invalid. */
export function readChoice<T extends string>(
  value: unknown,
  path: string,
  choices: readonly T[],
  fallback: T,
  issues: IssueSink,
): T {
  if (value === undefined) return fallback;
  const match =
    typeof value === 'string' ? choices.find((choice) => choice === value.toLowerCase()) : undefined;
  if (match !== undefined) return match;
  const hint = typeof value === 'string' ? formatSuggestion(value, choices) : '';
  issues.push({ path, message: `must be one of ${choices.join(', ')}, got ${describeValue(value)}${hint}` });
  return fallback;
}

/** Reads true or false; `fallback` when missing or invalid. */
export function readBoolean(value: unknown, path: string, fallback: boolean, issues: IssueSink): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  issues.push({ path, message: `must be true or false, got ${describeValue(value)}` });
  return fallback;
}

/** A pattern a text field must match, and how to say so in a message. */
export interface TextRule {
  readonly pattern: RegExp;
  readonly description: string;
}

/** Reads a non-empty string, optionally matching a rule; undefined when missing or invalid. */
export function readText(
  value: unknown,
  path: string,
  issues: IssueSink,
  rule?: TextRule,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '' && (rule === undefined || rule.pattern.test(value)))
    return value;
  const allowed = rule === undefined ? 'a non-empty string' : rule.description;
  issues.push({ path, message: `must be ${allowed}, got ${describeValue(value)}` });
  return undefined;
}

/** Reads a non-empty list of non-empty strings (an argv); undefined when missing or invalid. */
export function readArgv(value: unknown, path: string, issues: IssueSink): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const isArgv =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === 'string' && item !== '');
  if (isArgv) return value as string[];
  issues.push({
    path,
    message: `must be a non-empty list of strings (a command and its arguments), got ${describeValue(value)}`,
  });
  return undefined;
}

/** Reads a list; a missing list is empty; anything else that is not a list is an issue. */
export function readList(value: unknown, path: string, what: string, issues: IssueSink): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value as unknown[];
  issues.push({ path, message: `must be a list of ${what}, got ${describeValue(value)}` });
  return [];
}
