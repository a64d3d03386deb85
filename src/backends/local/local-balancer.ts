import type { ProxyEndpoints } from '../backend.js';

/** A row's balancer running on the local backend (a proxy process, or the in-process CLUSTER_IP emulation). */
export interface LocalBalancer {
  readonly endpoints: ProxyEndpoints;
  /** Stops it and everything it started; safe to call more than once. */
  stop(): Promise<void>;
}
