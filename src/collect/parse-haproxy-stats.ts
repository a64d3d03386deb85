import { CollectError } from '../errors.js';
import type { HostCounters } from './types.js';

/** One server slot of a HAProxy backend, read from the stats CSV (`show stat` / `/stats;csv`). */
export interface HaproxyServerStats {
  /** The slot's name, e.g. `myapp3` of `server-template myapp 1-8 …`. */
  readonly name: string;
  /** `ip:port` the slot resolved to; undefined for a slot without an address (`init-addr none`, not resolved yet). */
  readonly address: string | undefined;
  /** HAProxy's `status` column: `UP`, `DOWN`, `MAINT (resolution)`, `no check`… */
  readonly status: string;
  /** The slot's counters under Envoy's names; see {@link toHostCounters} for which HAProxy column each is. */
  readonly counters: HostCounters;
}

/** The HAProxy CSV columns each Envoy-named counter is read from, stated in the cross-check of a HAProxy row. */
export const HAPROXY_COUNTER_COLUMNS = {
  rq_total: 'stot',
  rq_success: 'hrsp_1xx + hrsp_2xx + hrsp_3xx + hrsp_4xx',
  rq_error: 'hrsp_5xx + eresp',
  rq_timeout: '(none)',
  cx_total: 'connect',
  cx_connect_fail: 'econ',
  cx_active: 'used_conn_cur + idle_conn_cur',
  rq_active: 'scur',
} as const;

/**
 * Parses HAProxy's stats CSV (the header line starts with `# pxname,svname,…`) and returns the server slots of
 * `backend`, in the CSV's order. Columns are found by name, so any HAProxy version's column set works; a missing
 * counter column reads as 0.
 * @throws CollectError when the text has no CSV header or no `pxname`/`svname` columns.
 */
export function parseHaproxyServerStats(csv: string, backend: string): HaproxyServerStats[] {
  const lines = csv.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0];
  if (header?.startsWith('# ') !== true) {
    throw new CollectError(
      `HAProxy stats are not CSV (no "# pxname,svname,…" header): ${header ?? '(empty)'}`,
    );
  }
  const columns = header.slice(2).split(',');
  if (!columns.includes('pxname') || !columns.includes('svname')) {
    throw new CollectError(`HAProxy stats CSV has no pxname/svname columns: ${header}`);
  }
  return lines
    .slice(1)
    .map((line) => toRecord(columns, line.split(',')))
    .filter((row) => row['pxname'] === backend && !['FRONTEND', 'BACKEND'].includes(row['svname'] ?? ''))
    .map((row) => ({
      name: row['svname'] ?? '',
      address: row['addr'] === undefined || row['addr'] === '' ? undefined : row['addr'],
      status: row['status'] ?? '',
      counters: toHostCounters(row),
    }));
}

/** A CSV row's counters under Envoy's names, from the columns {@link HAPROXY_COUNTER_COLUMNS} lists. */
function toHostCounters(row: Readonly<Record<string, string>>): HostCounters {
  const read = (...names: string[]): number =>
    names.reduce((sum, name) => sum + (Number.parseInt(row[name] ?? '', 10) || 0), 0);
  return {
    rq_total: read('stot'),
    rq_success: read('hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx'),
    rq_error: read('hrsp_5xx', 'eresp'),
    rq_timeout: 0,
    cx_total: read('connect'),
    cx_connect_fail: read('econ'),
    cx_active: read('used_conn_cur', 'idle_conn_cur'),
    rq_active: read('scur'),
  };
}

function toRecord(columns: readonly string[], values: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  columns.forEach((column, index) => {
    if (column !== '') record[column] = values[index] ?? '';
  });
  return record;
}
