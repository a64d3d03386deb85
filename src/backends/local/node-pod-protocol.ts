/**
 * The IPC messages between the local backend and a built-in Node pod (`node-pod-main.ts`). The pod's delay is
 * changed at run time over the IPC channel the backend opens when it spawns the pod, as are its fault (fail, hang,
 * recover events) and its whole settings (a reset); the pod acknowledges each.
 */
import type { PodFault } from '../../scenario/types.js';
import type { PodSettings } from './pod-settings.js';
import { readPodFault, readPodSettings } from './pod-settings.js';

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

/** Parent → pod: from now on fail, hang, or serve as planned (`none`). */
export interface SetFaultMessage {
  readonly type: 'set-fault';
  readonly fault: PodFault;
}

/** Pod → parent: the fault is now `fault`. */
export interface FaultSetMessage {
  readonly type: 'fault-set';
  readonly fault: PodFault;
}

/** Parent → pod: serve with these settings (a reset to the scenario's plan; clears any fault). */
export interface SetSettingsMessage {
  readonly type: 'set-settings';
  readonly settings: PodSettings;
}

/** Pod → parent: the settings are in force. */
export interface SettingsSetMessage {
  readonly type: 'settings-set';
}

/** Whether an IPC message is a {@link SetFaultMessage}. */
export function isSetFaultMessage(message: unknown): message is SetFaultMessage {
  return hasType(message, 'set-fault') && readPodFault(message) !== undefined;
}

/** Whether an IPC message is a {@link FaultSetMessage}. */
export function isFaultSetMessage(message: unknown): message is FaultSetMessage {
  return hasType(message, 'fault-set') && readPodFault(message) !== undefined;
}

/** Whether an IPC message is a {@link SetSettingsMessage} with valid settings. */
export function isSetSettingsMessage(message: unknown): message is SetSettingsMessage {
  return (
    hasType(message, 'set-settings') &&
    readPodSettings((message as { settings?: unknown }).settings) !== undefined
  );
}

/** Whether an IPC message is a {@link SettingsSetMessage}. */
export function isSettingsSetMessage(message: unknown): message is SettingsSetMessage {
  return hasType(message, 'settings-set');
}
