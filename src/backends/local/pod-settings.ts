/**
 * What a built-in pod server is told about how to serve, as JSON: the local backend passes it on the Node pod's
 * command line and over IPC, the kube backend in `PUT /behavior` to the lbbench image's pod server. One reader
 * validates it for both.
 */
import { LATENCY_DISTRIBUTIONS } from '../../scenario/types.js';
import type { LatencySpec, PodBehavior, PodFault } from '../../scenario/types.js';
import { isRecord } from '../../validation/is-record.js';

/** A pod's behaviour and the seed of its randomness. */
export interface PodSettings {
  readonly behavior: PodBehavior;
  readonly seed: number;
}

/** A pod that only adds `delayMs` (what the servers did before behaviours existed). */
export function createDelayOnlySettings(delayMs: number, seed = 0): PodSettings {
  return { behavior: { delayMs, capacity: undefined, latency: undefined, errorRate: 0 }, seed };
}

const FAULTS: readonly PodFault[] = ['none', 'fail', 'hang'];

/** Reads `{ "fault": "fail" | "hang" | "none" }`; undefined when it is not one. */
export function readPodFault(value: unknown): PodFault | undefined {
  const fault = isRecord(value) ? value.fault : undefined;
  return FAULTS.find((known) => known === fault);
}

/** Reads {@link PodSettings} from parsed JSON; undefined when any field is missing or out of range. */
export function readPodSettings(value: unknown): PodSettings | undefined {
  if (!isRecord(value) || !isRecord(value.behavior) || !isUint32(value.seed)) return undefined;
  const { delayMs, capacity, latency, errorRate } = value.behavior;
  if (!isNonNegative(delayMs) || !isNonNegative(errorRate) || errorRate > 1) return undefined;
  if (
    capacity !== undefined &&
    !(Number.isInteger(capacity) && typeof capacity === 'number' && capacity >= 1)
  ) {
    return undefined;
  }
  const readLatency = latency === undefined ? undefined : toLatency(latency);
  if (latency !== undefined && readLatency === undefined) return undefined;
  return {
    behavior: { delayMs, capacity, latency: readLatency, errorRate },
    seed: value.seed,
  };
}

function toLatency(value: unknown): LatencySpec | undefined {
  if (!isRecord(value)) return undefined;
  const distribution = LATENCY_DISTRIBUTIONS.find((known) => known === value.distribution);
  const { valueMs, p50Ms, p99Ms } = value;
  switch (distribution) {
    case 'fixed':
      return isNonNegative(valueMs) ? { distribution, valueMs } : undefined;
    case 'exponential':
      return isPositive(p50Ms) ? { distribution, p50Ms } : undefined;
    case 'lognormal':
      return isPositive(p50Ms) && isPositive(p99Ms) && p99Ms > p50Ms
        ? { distribution, p50Ms, p99Ms }
        : undefined;
    default:
      return undefined;
  }
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isPositive(value: unknown): value is number {
  return isNonNegative(value) && value > 0;
}

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}
