import type { ListenerConfig } from '../types.js';
import { DEFAULT_PER_CONNECTION_BUFFER_LIMIT_BYTES } from './defaults.js';
import { LISTENER_SCHEMAS } from './field-schemas.js';
import { readBindAddress } from './parse-address.js';
import { readHttpConnectionManagerFilter, type HttpManagerConfig } from './parse-http-connection-manager.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import {
  readInteger,
  readList,
  readMapping,
  readString,
  type ListItem,
  type Mapping,
} from './read-fields.js';

function readSingleItem(
  mapping: Mapping,
  key: string,
  what: string,
  context: ReadContext,
): ListItem | undefined {
  const items = readList(mapping, key, context, { isRequired: true });
  if (items === undefined) return undefined;
  if (items.length !== 1) {
    reportIssue(context, joinPath(mapping.path, key), `must hold exactly one ${what}, got ${items.length}`);
    return undefined;
  }
  return items[0];
}

function readFilterChains(listener: Mapping, context: ReadContext): HttpManagerConfig | undefined {
  // One chain without filter_chain_match: lbbench-proxy has no TLS or SNI to choose a chain by.
  const chainItem = readSingleItem(listener, 'filter_chains', 'filter chain', context);
  const chain =
    chainItem && readMapping(chainItem.value, chainItem.path, context, LISTENER_SCHEMAS.filterChain);
  if (chain === undefined) return undefined;
  const filterItem = readSingleItem(
    chain,
    'filters',
    'network filter (the http_connection_manager)',
    context,
  );
  return filterItem && readHttpConnectionManagerFilter(filterItem, context);
}

function readListener(item: ListItem, index: number, context: ReadContext): ListenerConfig | undefined {
  const listener = readMapping(item.value, item.path, context, LISTENER_SCHEMAS.listener);
  if (listener === undefined) return undefined;
  // Envoy names an unnamed listener with a UUID; a stable name is friendlier in logs and /config_dump.
  const name = readString(listener, 'name', context) ?? `listener_${index}`;
  const address = readBindAddress(listener, 'address', context);
  const manager = readFilterChains(listener, context);
  const bufferLimitBytes =
    readInteger(listener, 'per_connection_buffer_limit_bytes', context, { min: 1, max: 4_294_967_295 }) ??
    DEFAULT_PER_CONNECTION_BUFFER_LIMIT_BYTES;
  return address === undefined || manager === undefined
    ? undefined
    : { name, address, bufferLimitBytes, ...manager };
}

function checkUniqueListeners(
  items: readonly ListItem[],
  listeners: readonly (ListenerConfig | undefined)[],
  context: ReadContext,
): void {
  const names = new Map<string, string>();
  const addresses = new Map<string, string>();
  listeners.forEach((listener, index) => {
    const path = items[index]?.path ?? '';
    if (listener === undefined) return;
    const firstName = names.get(listener.name);
    if (firstName === undefined) names.set(listener.name, path);
    else
      reportIssue(
        context,
        joinPath(path, 'name'),
        `duplicate listener name "${listener.name}" (also ${firstName})`,
      );
    const key = `${listener.address.address}:${listener.address.portValue}`;
    const firstAddress = addresses.get(key);
    if (listener.address.portValue === 0) return;
    if (firstAddress === undefined) addresses.set(key, path);
    else
      reportIssue(
        context,
        joinPath(path, 'address'),
        `duplicate listener address ${key} (also ${firstAddress})`,
      );
  });
}

/** Reads `static_resources.listeners`: HTTP listeners with one http_connection_manager each. */
export function readListeners(staticResources: Mapping | undefined, context: ReadContext): ListenerConfig[] {
  const items = staticResources === undefined ? [] : (readList(staticResources, 'listeners', context) ?? []);
  const listeners = items.map((item, index) => readListener(item, index, context));
  checkUniqueListeners(items, listeners, context);
  return listeners.filter((listener) => listener !== undefined);
}
