import { CollectError } from '../errors.js';
import type { HostCounters, HostStatus } from './types.js';

/** The per-host stats lbbench reads; any other stat in /clusters (e.g. post-1.37 `rq_pending_active`) is ignored. */
const HOST_COUNTER_NAMES = [
  'cx_active',
  'cx_connect_fail',
  'cx_total',
  'rq_active',
  'rq_error',
  'rq_success',
  'rq_timeout',
  'rq_total',
] as const satisfies readonly (keyof HostCounters)[];

/** All-zero counters: what a stat that /clusters did not print reads as. */
export const ZERO_HOST_COUNTERS: HostCounters = {
  cx_active: 0,
  cx_connect_fail: 0,
  cx_total: 0,
  rq_active: 0,
  rq_error: 0,
  rq_success: 0,
  rq_timeout: 0,
  rq_total: 0,
};

/** Whether a stat name is one of {@link HOST_COUNTER_NAMES}. */
export function isHostCounterName(name: string): name is keyof HostCounters {
  return (HOST_COUNTER_NAMES as readonly string[]).includes(name);
}

/** A host being assembled from /clusters lines or JSON fields. */
export interface HostStatusDraft {
  address: string;
  hostname: string | undefined;
  healthFlags: readonly string[];
  weight: number | undefined;
  counters: Record<keyof HostCounters, number>;
}

/** Starts a host with zero counters and nothing else known. */
export function createHostDraft(address: string): HostStatusDraft {
  return {
    address,
    hostname: undefined,
    healthFlags: [],
    weight: undefined,
    counters: { ...ZERO_HOST_COUNTERS },
  };
}

/** Freezes a draft into the read-only {@link HostStatus}. */
export function finishHost(draft: HostStatusDraft): HostStatus {
  return {
    address: draft.address,
    hostname: draft.hostname,
    healthFlags: draft.healthFlags,
    weight: draft.weight,
    counters: { ...draft.counters },
  };
}

/**
 * Reads a uint64 stat value printed as decimal digits (text, or a proto3 JSON string) or as a JSON number.
 * @throws {CollectError} naming `where` when the value is not a non-negative integer.
 */
export function readUint(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return value;
  }
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) {
    return Number(value);
  }
  throw new CollectError(`${where}: expected a non-negative integer, got ${excerpt(String(value))}`);
}

/** Envoy's text health flags: `healthy` → [], `/failed_active_hc/pending_dynamic_removal` → both names. */
export function parseHealthFlags(text: string): string[] {
  return text === 'healthy' ? [] : text.split('/').filter((flag) => flag !== '');
}

const EXCERPT_CHARS = 160;

/** A short, quoted, single-line excerpt of what the admin endpoint returned, for error messages. */
export function excerpt(text: string): string {
  const shown = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
  return JSON.stringify(shown);
}
