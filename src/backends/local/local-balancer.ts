import type { ProxyEndpoints } from '../backend.js';

/** A row's balancer running on the local backend (a proxy process, or the in-process CLUSTER_IP emulation). */
export interface LocalBalancer {
  readonly endpoints: ProxyEndpoints;
  /** Hears every change of the Ready pods' IPs (nginx regenerates its upstream from them). */
  onReadyChange?(readyIps: readonly string[]): void;
  /** Stops it and everything it started; safe to call more than once. */
  stop(): Promise<void>;
}
