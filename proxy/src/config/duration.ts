import { describeValue } from './describe-value.js';

/** The outcome of reading a duration: milliseconds, or what is wrong with the value. */
export type DurationResult =
  | { readonly isValid: true; readonly valueMs: number }
  | { readonly isValid: false; readonly message: string };

/** Longest accepted duration in ms: Node's timers cannot wait longer (2^31 − 1 ms, about 24.8 days). */
export const MAX_DURATION_MS = 2_147_483_647;

/** What a duration field accepts, for error messages. */
export const DURATION_EXPECTATION = 'a duration such as "0.25s", "60s" or "5000ms", or {seconds, nanos}';

// Protobuf JSON writes durations as "<decimal>s" with up to 9 fractional digits; "ms" is a convenience.
const DURATION_TEXT = /^(-?)(\d+)(?:\.(\d+))?(s|ms)$/;
const INTEGER_TEXT = /^-?\d+$/;
const NANOS_PER_MS = 1_000_000;

function invalid(value: unknown): DurationResult {
  const hint = typeof value === 'number' ? ' (a number without a unit)' : '';
  return { isValid: false, message: `must be ${DURATION_EXPECTATION}, got ${describeValue(value)}${hint}` };
}

function checkRange(valueMs: number, isNegative: boolean, shown: string): DurationResult {
  if (isNegative && valueMs !== 0) return { isValid: false, message: `must not be negative, got ${shown}` };
  if (valueMs > MAX_DURATION_MS) {
    return {
      isValid: false,
      message: `must be at most ${MAX_DURATION_MS}ms (about 24.8 days, the longest timer Node.js supports), got ${shown}`,
    };
  }
  return { isValid: true, valueMs };
}

function parseDurationText(text: string): DurationResult {
  const match = DURATION_TEXT.exec(text);
  if (match === null) return invalid(text);
  const [, sign = '', whole = '0', fraction = '', unit = 's'] = match;
  const fractionDigits = unit === 's' ? 9 : 6;
  if (fraction.length > fractionDigits) return invalid(text);
  const fractionValue = Number(fraction.padEnd(fractionDigits, '0'));
  const valueMs =
    unit === 's'
      ? Number(whole) * 1000 + fractionValue / NANOS_PER_MS
      : Number(whole) + fractionValue / 1_000_000;
  return checkRange(valueMs, sign === '-', describeValue(text));
}

function readInteger(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return Number(value);
  return undefined;
}

function parseDurationObject(value: Readonly<Record<string, unknown>>): DurationResult {
  if (Object.keys(value).some((key) => key !== 'seconds' && key !== 'nanos')) return invalid(value);
  const seconds = value.seconds === undefined ? 0 : readInteger(value.seconds);
  const nanos = value.nanos === undefined ? 0 : readInteger(value.nanos);
  if (seconds === undefined)
    return { isValid: false, message: `seconds must be an integer, got ${describeValue(value.seconds)}` };
  if (nanos === undefined || nanos < 0 || nanos > 999_999_999) {
    return {
      isValid: false,
      message: `nanos must be an integer from 0 to 999999999, got ${describeValue(value.nanos)}`,
    };
  }
  const valueMs = Math.abs(seconds) * 1000 + nanos / NANOS_PER_MS;
  return checkRange(valueMs, seconds < 0, `{seconds: ${seconds}, nanos: ${nanos}}`);
}

/** Reads an Envoy duration (`"0.25s"`, `"60s"`, `"5000ms"` or `{seconds, nanos}`) as milliseconds. */
export function parseDurationMs(value: unknown): DurationResult {
  if (typeof value === 'string') return parseDurationText(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return parseDurationObject(value as Readonly<Record<string, unknown>>);
  }
  return invalid(value);
}
