/** Per-host counters and gauges read from /clusters (Envoy's names). Missing stats read as 0. */
export interface HostCounters {
  readonly cx_active: number;
  readonly cx_connect_fail: number;
  readonly cx_total: number;
  readonly rq_active: number;
  readonly rq_error: number;
  readonly rq_success: number;
  readonly rq_timeout: number;
  readonly rq_total: number;
}

/** One host line group of /clusters. */
export interface HostStatus {
  /** `ip:port` exactly as /clusters prints it (IPv6 as `[::1]:80`). */
  readonly address: string;
  readonly hostname: string | undefined;
  readonly healthFlags: readonly string[];
  readonly weight: number | undefined;
  readonly counters: HostCounters;
}

/** One cluster of /clusters. */
export interface ClusterStatus {
  readonly name: string;
  readonly hosts: readonly HostStatus[];
}

/** A parsed /clusters document taken at `takenAtMs` (ms on the run's monotonic clock). */
export interface ClustersSnapshot {
  readonly takenAtMs: number;
  readonly clusters: readonly ClusterStatus[];
}
