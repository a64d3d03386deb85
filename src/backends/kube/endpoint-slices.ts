import type { Pod } from '../backend.js';
import type { EndpointSliceObject } from './manifest-types.js';

/**
 * Turns a Service's EndpointSlices into pods: one per endpoint that names a Pod in `targetRef`,
 * its first address, the slice port named `portName` (else `defaultPort`), and readiness
 * (a missing `ready` condition means ready, per the EndpointSlice API). Sorted by pod name.
 */
export function toPodsFromSlices(
  slices: readonly EndpointSliceObject[],
  portName: string,
  defaultPort: number,
): Pod[] {
  const pods = new Map<string, Pod>();
  for (const slice of slices) {
    const port = slice.ports?.find((candidate) => candidate.name === portName)?.port ?? defaultPort;
    for (const endpoint of slice.endpoints) {
      const name = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined;
      const ip = endpoint.addresses[0];
      if (name === undefined || ip === undefined) {
        continue;
      }
      const ready = endpoint.conditions?.ready !== false && endpoint.conditions?.terminating !== true;
      pods.set(name, { name, ip, port, ready });
    }
  }
  return [...pods.values()].sort((a, b) => a.name.localeCompare(b.name));
}
