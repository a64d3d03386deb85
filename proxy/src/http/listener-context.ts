import type { ListenerConfig, Rng } from '../types.js';
import type { HcmStats } from '../worker/hcm-stats.js';
import type { WorkerCluster } from '../worker/worker-cluster.js';
import type { RouteTable } from './route-table.js';

/** What every request of one listener in one worker shares. */
export interface ListenerContext {
  readonly index: number;
  readonly config: ListenerConfig;
  readonly routes: RouteTable;
  readonly clusters: ReadonlyMap<string, WorkerCluster>;
  readonly hcm: HcmStats;
  readonly random: Rng;
  /** Monotonic milliseconds, for durations. */
  readonly now: () => number;
  /** Wall-clock milliseconds, for the `date` header. */
  readonly wallNow: () => number;
}

/** The client side of an exchange: the downstream connection as the exchange may use it. */
export interface DownstreamPeer {
  /** The connection closes after the current request: its response says `connection: close`. */
  readonly isDraining: boolean;
  /** Writes bytes; false means the socket buffer is full (wait for the exchange's `onDownstreamDrain`). */
  write(data: string | Buffer): boolean;
  pauseReading(): void;
  resumeReading(): void;
  /** Resets the client connection (a response cannot be completed). */
  destroy(): void;
  /** The exchange is over; `shouldClose` ends the connection after what was written. */
  onExchangeDone(exchange: unknown, shouldClose: boolean): void;
}
