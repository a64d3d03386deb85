import { describeValue } from './describe-value.js';

/**
 * A parsed duration in ms, or why the input is not one (a message without the field path); the same shape as the
 * proxy's own config reader gives.
 */
export type DurationResult =
  | { readonly isValid: true; readonly valueMs: number }
  | { readonly isValid: false; readonly message: string };

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const WHOLE_DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const BARE_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const EXPECTED = 'must be a duration like "500ms", "10s", "1.5s" or "1m"';

/**
 * Parses a duration: a number with a unit (`ms`, `s`, `m`, `h`), several of them summed (`1m30s`), or `0`.
 * A bare number other than 0 is rejected with a hint to add a unit, since "10" could mean seconds or ms.
 */
export function parseDuration(input: unknown): DurationResult {
  if (input === 0 || input === '0') return { isValid: true, valueMs: 0 };
  const got = `got ${describeValue(input)}`;
  if (typeof input === 'number' || (typeof input === 'string' && BARE_NUMBER.test(input.trim()))) {
    const example = String(input).trim();
    return {
      isValid: false,
      message: `${EXPECTED}, ${got}; add a unit, e.g. "${example}s" or "${example}ms"`,
    };
  }
  if (typeof input !== 'string') return { isValid: false, message: `${EXPECTED}, ${got}` };
  const text = input.trim();
  if (text.startsWith('-')) return { isValid: false, message: `${EXPECTED} and not negative, ${got}` };
  if (!WHOLE_DURATION.test(text)) {
    return { isValid: false, message: `${EXPECTED}, ${got}; the units are ms, s, m and h` };
  }
  let totalMs = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
    totalMs += Number(amount) * (UNIT_MS[unit ?? 'ms'] ?? 1);
  }
  // Decimal inputs such as "1.1s" are not exact in binary; round away the float noise below a nanosecond.
  return { isValid: true, valueMs: Math.round(totalMs * 1e6) / 1e6 };
}

/** Formats ms the way scenarios write durations: `500ms`, `10s`, `1.5s`, `2m`, `1m30s`, `1h`. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000 || ms % 1000 !== 0) return `${ms / 1000}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}
