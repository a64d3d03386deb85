import type { ConsecutiveCounter } from '../health/outlier-counters.js';
import type { StatsBuffers } from '../stats/shared-stats.js';
import type { StatsDimensions } from '../stats/stats-layout.js';
import type { ProxyConfig } from '../types.js';

/** A host as the main thread hands it to workers: where it is and which statistics slot it owns. */
export interface HostAssignment {
  readonly ip: string;
  readonly port: number;
  readonly hostname: string;
  readonly weight: number;
  /** Index of the host's slot in the shared statistics. */
  readonly slot: number;
}

/** What a worker is started with (`workerData`). */
export interface WorkerInit {
  readonly index: number;
  readonly seed: number;
  readonly config: ProxyConfig;
  readonly statsDimensions: StatsDimensions;
  readonly statsBuffers: StatsBuffers;
}

/** Messages from the main thread to a worker. */
export type MainToWorker =
  /** Listen on listener `listener`'s configured address (the first worker does this). */
  | { readonly type: 'listen'; readonly listener: number }
  /** Accept on the already-listening socket `fd` that the first worker bound (the other workers do this). */
  | { readonly type: 'listen-fd'; readonly listener: number; readonly fd: number }
  /** The new host set of cluster `cluster` (every host, in order). */
  | { readonly type: 'hosts'; readonly cluster: number; readonly hosts: readonly HostAssignment[] }
  /** Health flags of cluster `cluster`'s hosts as [slot, flag bits]; hosts not listed are healthy. */
  | {
      readonly type: 'health';
      readonly cluster: number;
      readonly flags: readonly (readonly [slot: number, bits: number])[];
    }
  /** Stop accepting; let requests in flight finish with `connection: close`, then close their connections. */
  | { readonly type: 'drain' }
  /** Stop accepting and close every connection. */
  | { readonly type: 'close' };

/** Messages from a worker to the main thread. */
export type WorkerToMain =
  | { readonly type: 'ready' }
  | {
      readonly type: 'listening';
      readonly listener: number;
      readonly fd: number;
      readonly ip: string;
      readonly port: number;
    }
  | {
      readonly type: 'listen-failed';
      readonly listener: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly type: 'closed' }
  /** A host's consecutive-failure counter reached its threshold (for the main thread's outlier detector). */
  | {
      readonly type: 'outlier-threshold';
      readonly cluster: number;
      readonly slot: number;
      readonly counter: ConsecutiveCounter;
    }
  /** After `drain`: the worker holds no client connection any more. */
  | { readonly type: 'drained' }
  | {
      readonly type: 'log';
      readonly level: 'debug' | 'info' | 'warning' | 'error';
      readonly message: string;
    };
