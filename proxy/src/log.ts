/** Envoy's log levels, most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where the proxy writes its log lines. */
export interface Logger {
  log(level: Exclude<LogLevel, 'off'>, component: string, message: string): void;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Formats a log line like Envoy: `[2026-11-25 18:30:00.123][4242][info][main] message`. */
function formatLogLine(options: {
  nowMs: number;
  pid: number;
  level: string;
  component: string;
  message: string;
}): string {
  const date = new Date(options.nowMs);
  const stamp =
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
  return `[${stamp}][${options.pid}][${options.level}][${options.component}] ${options.message}\n`;
}

/** A logger writing lines at or above `minimum` to a stream (stderr by default). */
export function createStreamLogger(minimum: LogLevel, write: (line: string) => void): Logger {
  const threshold = LOG_LEVELS.indexOf(minimum);
  return {
    log(level, component, message) {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      write(formatLogLine({ nowMs: Date.now(), pid: process.pid, level, component, message }));
    },
  };
}

/** A logger that drops everything. */
export const SILENT_LOGGER: Logger = { log: () => undefined };
