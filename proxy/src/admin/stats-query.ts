/** Which stat types `/stats?type=` keeps; Envoy's spelling. */
export type StatsTypeFilter = 'All' | 'Counters' | 'Gauges' | 'Histograms' | 'TextReadouts';

/** The query options of `/stats` and `/stats/prometheus` that this proxy honours. */
export interface StatsQuery {
  readonly format: 'text' | 'json' | 'prometheus';
  /** `?filter=<regex>`: keep stats whose full name matches (a search, not a full match, as Envoy does). */
  readonly filter: RegExp | undefined;
  /** `?usedonly`: keep stats that were written; here, counters and gauges that are not 0 and histograms with samples. */
  readonly usedOnly: boolean;
  readonly type: StatsTypeFilter;
}

/** The outcome of reading a stats query string: the query, or the 400 message Envoy would answer. */
export type StatsQueryResult =
  { readonly ok: true; readonly query: StatsQuery } | { readonly ok: false; readonly message: string };

const FORMATS = ['text', 'json', 'prometheus'] as const;
const TYPES = ['All', 'Counters', 'Gauges', 'Histograms', 'TextReadouts'] as const;

/** Reads `format`, `filter`, `usedonly` and `type` from a `/stats` query string. */
export function parseStatsQuery(params: URLSearchParams): StatsQueryResult {
  const format = params.get('format') ?? 'text';
  if (!isOneOf(FORMATS, format)) {
    return { ok: false, message: `usage: /stats?format=(text|json|prometheus), got format=${format}\n` };
  }
  const type = params.get('type') ?? 'All';
  if (!isOneOf(TYPES, type)) {
    return { ok: false, message: `invalid &type= param: ${type}\n` };
  }
  const filterText = params.get('filter');
  let filter: RegExp | undefined;
  if (filterText !== null && filterText !== '') {
    try {
      filter = new RegExp(filterText);
    } catch {
      return { ok: false, message: `Invalid re2 regex\n` };
    }
  }
  return { ok: true, query: { format, filter, usedOnly: params.has('usedonly'), type } };
}

function isOneOf<T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}

/** Whether a stat of the given kind passes the query's type, filter and usedonly options. */
export function shouldShowStat(
  query: StatsQuery,
  kind: 'counter' | 'gauge' | 'histogram',
  name: string,
  isUsed: boolean,
): boolean {
  const typeOk =
    query.type === 'All' ||
    (query.type === 'Counters' && kind === 'counter') ||
    (query.type === 'Gauges' && kind === 'gauge') ||
    (query.type === 'Histograms' && kind === 'histogram');
  return typeOk && (!query.usedOnly || isUsed) && (query.filter === undefined || query.filter.test(name));
}

/** Compares stat names by UTF-16 code units, the byte order Envoy's sorted output follows for ASCII names. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
