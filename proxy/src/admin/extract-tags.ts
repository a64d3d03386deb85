/** One tag pulled out of a stat name, e.g. `envoy_cluster_name="myapp_cluster"`. */
export interface StatTag {
  readonly name: string;
  readonly value: string;
}

/** A stat name with its tags removed, plus the tags in extraction order. */
export interface TaggedName {
  readonly extractedName: string;
  readonly tags: readonly StatTag[];
}

/**
 * A subset of Envoy's default tag extractors (`source/common/config/well_known_names.cc`), in Envoy's order.
 * Capture group 1 is removed from the name; group 2 is the tag value.
 */
const TAG_EXTRACTORS: readonly { readonly tag: string; readonly pattern: RegExp }[] = [
  { tag: 'envoy.response_code', pattern: /_rq(_(\d{3}))$/d },
  { tag: 'envoy.response_code_class', pattern: /_rq_((\d))xx$/d },
  { tag: 'envoy.cluster_name', pattern: /^cluster\.(([^.]+)\.)/d },
  { tag: 'envoy.http_conn_manager_prefix', pattern: /^listener(?=\.).*?\.http\.((.*?)\.)/d },
  { tag: 'envoy.http_conn_manager_prefix', pattern: /^http\.((.*?)\.)/d },
  { tag: 'envoy.listener_address', pattern: /^listener\.(((?:[_.\d]*|[_[\]aAbBcCdDeEfF\d]*))\.)/d },
  { tag: 'envoy.worker_id', pattern: /^listener_manager\.((worker_\d+)\.)/d },
];

/** Splits a stat name into its tag-extracted name and tags, as Envoy's default tag producer does. */
export function extractTags(statName: string): TaggedName {
  let name = statName;
  const tags: StatTag[] = [];
  for (const { tag, pattern } of TAG_EXTRACTORS) {
    const match = pattern.exec(name);
    const removed = match?.indices?.[1];
    const value = match?.[2];
    // An empty capture (e.g. `listener.admin.` does not look like an address) extracts nothing.
    if (removed === undefined || value === undefined || value === '') {
      continue;
    }
    name = name.slice(0, removed[0]) + name.slice(removed[1]);
    tags.push({ name: tag, value });
  }
  return { extractedName: name, tags };
}
