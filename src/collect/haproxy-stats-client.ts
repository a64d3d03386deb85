import { AbortedError, CollectError, redactArg } from '../errors.js';
import type { FetchClustersOptions } from './clusters-client.js';
import { HaproxySlotHosts } from './haproxy-slot-hosts.js';
import { parseHaproxyServerStats } from './parse-haproxy-stats.js';
import type { ClustersSnapshot } from './types.js';

/** Where a HAProxy row's counters are read, and under which cluster name the snapshots list its hosts. */
export interface HaproxyStatsSource {
  /** The stats page, e.g. `http://127.0.0.1:8404/stats`; the CSV is at `<statsUrl>;csv`. */
  readonly statsUrl: string;
  /** The HAProxy backend whose servers are the pods. */
  readonly backend: string;
  /** The cluster name the snapshots use, so the deltas find the hosts where they find Envoy's. */
  readonly clusterName: string;
}

/**
 * Reads a HAProxy row's per-pod counters as `/clusters`-shaped snapshots: the stats CSV's server slots of the
 * backend, mapped to pods by address (see {@link HaproxySlotHosts}). One reader per HAProxy process.
 */
export class HaproxyStatsReader {
  readonly #source: HaproxyStatsSource;
  readonly #slots = new HaproxySlotHosts();

  constructor(source: HaproxyStatsSource) {
    this.#source = source;
  }

  /** @throws CollectError when the stats page cannot be read or is not CSV; AbortedError when aborted. */
  async read(options: FetchClustersOptions): Promise<ClustersSnapshot> {
    const url = `${this.#source.statsUrl};csv`;
    let body: string;
    let takenAtMs: number;
    try {
      const response = await fetch(url, { signal: options.signal ?? null });
      takenAtMs = options.now();
      body = await response.text();
      if (response.status !== 200) {
        throw new CollectError(`GET ${redactArg(url)} answered ${response.status}: ${body.slice(0, 200)}`);
      }
    } catch (error) {
      if (error instanceof CollectError) throw error;
      if (options.signal?.aborted === true && !isTimeout(options.signal.reason)) {
        throw new AbortedError(`GET ${redactArg(url)} was interrupted`, { cause: error });
      }
      throw new CollectError(`GET ${redactArg(url)} failed. Is HAProxy's stats page up?`, { cause: error });
    }
    const servers = parseHaproxyServerStats(body, this.#source.backend);
    return {
      takenAtMs,
      clusters: [{ name: this.#source.clusterName, hosts: this.#slots.read(servers) }],
    };
  }
}

function isTimeout(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === 'TimeoutError';
}
