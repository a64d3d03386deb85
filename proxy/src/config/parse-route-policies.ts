import type { HashPolicy } from '../types.js';
import { ROUTE_SCHEMAS } from './route-schemas.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import {
  readBoolean,
  readChildMapping,
  readList,
  readMapping,
  readString,
  type ListItem,
  type Mapping,
} from './read-fields.js';

const HTTP_HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function readHashPolicy(item: ListItem, context: ReadContext): HashPolicy | undefined {
  const policy = readMapping(item.value, item.path, context, ROUTE_SCHEMAS.hashPolicy);
  if (policy === undefined) return undefined;
  const terminal = readBoolean(policy, 'terminal', context) ?? false;
  const header = readChildMapping(policy, 'header', context, ROUTE_SCHEMAS.hashPolicyHeader);
  if (policy.fields.header === undefined) {
    reportIssue(
      context,
      item.path,
      'must set header: {header_name: …}; lbbench-proxy hashes only on request headers',
    );
  }
  const headerName = header && readString(header, 'header_name', context, { isRequired: true });
  if (headerName === undefined) return undefined;
  if (!HTTP_HEADER_NAME.test(headerName)) {
    reportIssue(
      context,
      joinPath(header?.path ?? item.path, 'header_name'),
      `must be an HTTP header name, got "${headerName}"`,
    );
    return undefined;
  }
  // Header names are case-insensitive; Node hands the proxy lower-cased names.
  return { headerName: headerName.toLowerCase(), terminal };
}

/** Reads a route's `hash_policy` list (header hashing only). */
export function readHashPolicies(action: Mapping, context: ReadContext): HashPolicy[] {
  const items = readList(action, 'hash_policy', context) ?? [];
  return items.map((item) => readHashPolicy(item, context)).filter((policy) => policy !== undefined);
}
