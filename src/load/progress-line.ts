/** What a progress line shows about the running load. */
export interface ProgressLineInput {
  readonly row: string;
  /** 1-based. */
  readonly repetition: number;
  readonly repetitions: number;
  readonly phase: 'warmup' | 'measure';
  readonly elapsedMs: number;
  readonly durationMs: number;
  readonly rps: number;
  readonly errors: number;
}

const DEFAULT_BAR_WIDTH = 10;

/**
 * The live line for a terminal, e.g. `ROUND_ROBIN  rep 1/1  ▕█████░░░░░▏ 5.0/10.0 s  9,812 req/s  0 errors`;
 * the warm-up shows `warm-up` before the bar.
 */
export function formatProgressLine(input: ProgressLineInput, barWidth = DEFAULT_BAR_WIDTH): string {
  const bar = `▕${renderBar(input.elapsedMs / input.durationMs, barWidth)}▏`;
  return [
    input.row,
    `rep ${input.repetition}/${input.repetitions}`,
    `${input.phase === 'warmup' ? 'warm-up ' : ''}${bar} ${formatSeconds(input)}`,
    `${formatInteger(input.rps)} req/s`,
    formatErrors(input.errors),
  ].join('  ');
}

/** The same facts as one plain line for logs and non-TTY output, e.g. `ROUND_ROBIN rep 1/1: 5.0/10.0 s, 9,812 req/s, 0 errors`. */
export function formatPlainProgressLine(input: ProgressLineInput): string {
  const phase = input.phase === 'warmup' ? 'warm-up ' : '';
  const facts = [formatSeconds(input), `${formatInteger(input.rps)} req/s`, formatErrors(input.errors)];
  return `${input.row} rep ${input.repetition}/${input.repetitions}: ${phase}${facts.join(', ')}`;
}

/** Formats a count with `,` thousands separators, independent of the locale: 9812 → `9,812`. */
export function formatInteger(value: number): string {
  const rounded = Math.round(value);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return rounded < 0 ? `-${digits}` : digits;
}

function renderBar(fraction: number, width: number): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(clamped * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function formatSeconds(input: ProgressLineInput): string {
  const elapsedS = Math.min(input.elapsedMs, input.durationMs) / 1000;
  return `${elapsedS.toFixed(1)}/${(input.durationMs / 1000).toFixed(1)} s`;
}

function formatErrors(errors: number): string {
  return `${formatInteger(errors)} ${errors === 1 ? 'error' : 'errors'}`;
}
