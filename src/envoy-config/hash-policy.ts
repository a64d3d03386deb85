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

/**
 * Gives every route of the config's HTTP connection managers `hash_policy: [{ header: { header_name } }]` (Envoy's
 * `RouteAction.hash_policy`, the same field in v2 and v3), except a route that has a `hash_policy` of its own: the
 * template's choice wins. Mutates `doc`; returns how many routes it set.
 */
export function applyHashPolicy(doc: Document, headerName: string): number {
  let patched = 0;
  for (const route of listRouteActions(doc.contents)) {
    if (route.has('hash_policy')) continue;
    route.set('hash_policy', doc.createNode([{ header: { header_name: headerName } }]));
    patched += 1;
  }
  return patched;
}

/**
 * The `route` action mappings of every `routes` list in the document, wherever the listener nests them
 * (`filters[].config` in v2, `filters[].typed_config` in v3): a route entry with a `route` mapping that names a
 * `cluster` (a redirect or direct response has none).
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
      const key = readKeyName(pair.key);
      if (key === 'routes' && isSeq(pair.value)) {
        for (const entry of pair.value.items) {
          const action = isMap(entry) ? entry.get('route') : undefined;
          if (isMap(action) && action.has('cluster')) found.push(action);
        }
        continue;
      }
      visit(pair.value);
    }
  };
  visit(node);
  return found;
}

function readKeyName(key: unknown): string | undefined {
  if (typeof key === 'string') return key;
  const value = isScalar(key) ? key.value : undefined;
  return typeof value === 'string' ? value : undefined;
}
