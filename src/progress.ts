/**
 * Where long operations report what they are doing. The CLI renders it on stderr (a live line on a TTY,
 * plain lines otherwise); the API's default discards it.
 */
export interface ProgressSink {
  /** A new phase began, e.g. `Starting 3 nginx pods`. Printed as its own line. */
  step(message: string): void;
  /** Transient status of the current phase (elapsed, req/s…); may overwrite the previous update. */
  update(message: string): void;
  /** Something the user should know that does not stop the run. */
  warn(message: string): void;
}

/** A sink that drops everything, for the programmatic API and tests. */
export const SILENT_PROGRESS: ProgressSink = {
  step: () => undefined,
  update: () => undefined,
  warn: () => undefined,
};
