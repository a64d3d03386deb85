/** A message from the harness to the orphan reaper (`reaper-main.ts`). */
export interface ReaperMessage {
  readonly type: 'watch' | 'unwatch';
  readonly pid: number;
}

/** Whether an IPC message is a {@link ReaperMessage}. */
export function isReaperMessage(message: unknown): message is ReaperMessage {
  if (typeof message !== 'object' || message === null) {
    return false;
  }
  const { type, pid } = message as { type?: unknown; pid?: unknown };
  return (
    (type === 'watch' || type === 'unwatch') && typeof pid === 'number' && Number.isInteger(pid) && pid > 0
  );
}

/** The reaper's first message: it listens for watch requests from now on. */
export interface ReaperReadyMessage {
  readonly type: 'reaper-ready';
}

/** Whether an IPC message is a {@link ReaperReadyMessage}. */
export function isReaperReadyMessage(message: unknown): message is ReaperReadyMessage {
  return (
    typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'reaper-ready'
  );
}
