import type { GateResult } from '../gates/types.js';

/** Text shown for a value that is missing or not a finite number. */
const NOT_AVAILABLE = 'n/a';

/** Formats a number with a fixed count of decimals, or `n/a` when it is not finite. */
export function formatFixed(value: number | undefined, decimals: number): string {
  if (value === undefined || !Number.isFinite(value)) {
    return NOT_AVAILABLE;
  }
  const text = value.toFixed(decimals);
  return /^-0(?:\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** Formats a p-value: three decimals, scientific notation below 0.001. */
export function formatPValue(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) {
    return NOT_AVAILABLE;
  }
  if (value !== 0 && value < 0.001) {
    return value.toExponential(1);
  }
  return value.toFixed(3);
}

/**
 * Formats a latency in ms to the µs the histograms resolve: whole numbers as such, one decimal from 10 ms, two
 * from 1 ms, and three significant digits below (0.41, 0.0523, 0.001).
 */
export function formatMs(valueMs: number | undefined): string {
  if (valueMs === undefined || !Number.isFinite(valueMs)) {
    return NOT_AVAILABLE;
  }
  if (Number.isInteger(valueMs)) return String(valueMs);
  const size = Math.abs(valueMs);
  if (size >= 10) return valueMs.toFixed(1);
  return size >= 1 ? valueMs.toFixed(2) : String(Number(valueMs.toPrecision(3)));
}

/** Formats a count or rate as a whole number (rounded). */
export function formatCount(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) {
    return NOT_AVAILABLE;
  }
  return String(Math.round(value));
}

/** Formats a duration in ms as seconds, e.g. `10 s` or `2.5 s`, or `n/a` when it is not finite. */
export function formatSeconds(durationMs: number): string {
  if (!Number.isFinite(durationMs)) {
    return NOT_AVAILABLE;
  }
  const seconds = durationMs / 1000;
  return `${Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1)} s`;
}

const SHELL_SAFE = /^[\w@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell, leaving plain words unquoted. */
export function quoteShellArg(arg: string): string {
  if (arg !== '' && SHELL_SAFE.test(arg)) {
    return arg;
  }
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Joins argv into one command line that a POSIX shell runs as the same argv. */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map(quoteShellArg).join(' ');
}

/** Compares labels such as pod names naturally (`pod-2` before `pod-10`), deterministically. */
export function compareLabels(left: string, right: string): number {
  return left.localeCompare(right, 'en', { numeric: true }) || (left < right ? -1 : left > right ? 1 : 0);
}

/** Formats any measured value compactly: integers as such, otherwise up to 6 significant digits. */
export function formatGeneral(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) {
    return NOT_AVAILABLE;
  }
  if (Number.isInteger(value)) {
    return String(value);
  }
  if (Math.abs(value) < 0.001) {
    return value.toExponential(2);
  }
  const text = Math.abs(value) >= 1000 ? value.toFixed(1) : value.toPrecision(6);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A gate's value and threshold as shown in the report; `n/a` for both when the gate could not be evaluated. */
export function formatGateValues(gate: GateResult): { readonly value: string; readonly threshold: string } {
  if (gate.error !== undefined) {
    return { value: NOT_AVAILABLE, threshold: NOT_AVAILABLE };
  }
  return { value: formatGeneral(gate.value), threshold: formatGeneral(gate.threshold) };
}
