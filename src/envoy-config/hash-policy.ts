import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, YAMLMap } from 'yaml';
import type { LbPolicy } from 'lbbench-proxy';
import type { KeySpec } from '../scenario/types.js';

/** The balancers that hash a request: only their routes get the key header as their hash policy. */
const HASHING_POLICIES: ReadonlySet<LbPolicy> = new Set(['RING_HASH', 'MAGLEV']);

/** The request header a row's routes hash on: the key header for RING_HASH and MAGLEV with keys, else none. */
export function selectHashHeader(policy: LbPolicy, keys: KeySpec | undefined): string | undefined {
  return keys !== undefined && HASHING_POLICIES.has(policy) ? keys.header : undefined;
}

/** What {@link setKeyHashPolicy} found on the routes that send to the Service's clusters. */
export interface HashPolicyCount {
  /** Routes that got the key header as their hash policy. */
  readonly patched: number;
  /** Routes that kept a `hash_policy` of their own (the template's choice wins). */
  readonly kept: number;
}

/**
 * Gives every route that sends to one of `clusterNames` (`route.cluster`, or a `weighted_clusters` entry)
 * `hash_policy: [{ header: { header_name } }]`: Envoy's `RouteAction.hash_policy`, the same field in v2 and v3. A
 * route that has a `hash_policy` of its own keeps it. Mutates `doc`; returns how many routes it set and kept.
 */
export function setKeyHashPolicy(
  doc: Document,
  clusterNames: ReadonlySet<string>,
  headerName: string,
): HashPolicyCount {
  let patched = 0;
  let kept = 0;
  for (const route of listRouteActions(doc.contents)) {
    if (!listRouteClusters(route).some((name) => clusterNames.has(name))) continue;
    if (route.has('hash_policy')) {
      kept += 1;
      continue;
    }
    route.set('hash_policy', doc.createNode([{ header: { header_name: headerName } }]));
    patched += 1;
  }
  return { patched, kept };
}

/**
 * The `route` action mappings of every `routes` list in the document, wherever the listener nests them
 * (`filters[].config` in v2, `filters[].typed_config` in v3); a redirect or direct response has none.
 */
function listRouteActions(node: unknown): YAMLMap[] {
  const found: YAMLMap[] = [];
  const visit = (current: unknown): void => {
    if (isSeq(current)) {
      for (const item of current.items) visit(item);
      return;
    }
    if (!isMap(current)) return;
    for (const pair of current.items) {
      const key = readScalarText(pair.key);
      if (key === 'routes' && isSeq(pair.value)) {
        for (const entry of pair.value.items) {
          const action = isMap(entry) ? entry.get('route') : undefined;
          if (isMap(action)) found.push(action);
        }
        continue;
      }
      visit(pair.value);
    }
  };
  visit(node);
  return found;
}

/** The clusters a route action sends to: its `cluster`, or the names of its `weighted_clusters.clusters`. */
function listRouteClusters(route: YAMLMap): string[] {
  const single = readScalarText(route.get('cluster', true));
  if (single !== undefined) return [single];
  const weighted = route.getIn(['weighted_clusters', 'clusters']);
  if (!isSeq(weighted)) return [];
  return weighted.items.flatMap((entry) => {
    const name = isMap(entry) ? readScalarText(entry.get('name', true)) : undefined;
    return name === undefined ? [] : [name];
  });
}

function readScalarText(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  const value = isScalar(node) ? node.value : undefined;
  return typeof value === 'string' ? value : undefined;
}
