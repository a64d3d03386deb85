/**
 * The IPC messages between the local backend and a built-in Node pod (`node-pod-main.ts`). The pod's delay is
 * changed at run time over the IPC channel the backend opens when it spawns the pod; the pod acknowledges.
 */

/** Parent → pod: answer every later request after `delayMs`. */
export interface SetDelayMessage {
  readonly type: 'set-delay';
  readonly delayMs: number;
}

/** Pod → parent: the delay is now `delayMs`. */
export interface DelaySetMessage {
  readonly type: 'delay-set';
  readonly delayMs: number;
}

/** Pod → parent: the server is listening. */
export interface ListeningMessage {
  readonly type: 'listening';
  readonly address: string;
  readonly port: number;
}

/** Whether an IPC message is a {@link SetDelayMessage} with a finite delay ≥ 0. */
export function isSetDelayMessage(message: unknown): message is SetDelayMessage {
  return hasType(message, 'set-delay') && isDelay((message as { delayMs?: unknown }).delayMs);
}

/** Whether an IPC message is a {@link DelaySetMessage}. */
export function isDelaySetMessage(message: unknown): message is DelaySetMessage {
  return hasType(message, 'delay-set') && isDelay((message as { delayMs?: unknown }).delayMs);
}

function hasType(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

function isDelay(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
