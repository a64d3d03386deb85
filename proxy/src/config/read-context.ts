import type { LbPolicy } from '../types.js';
import type { ProxyConfigIssue } from './proxy-config-error.js';

/**
 * What the readers accumulate while walking one config document. The arrays are appended to in document
 * order, so one pass reports every problem, not just the first.
 */
export interface ReadContext {
  readonly issues: ProxyConfigIssue[];
  /** Paths of fields that were accepted but change nothing in this proxy. */
  readonly ignoredFields: string[];
  /** Paths of constructs that only the v2 API has (`config:`, `hosts:`, `host_rewrite`, …). */
  readonly v2Markers: string[];
  /** The clusters defined so far, by name, for the route checks. */
  readonly clusterPolicies: Map<string, LbPolicy>;
}

/** Creates an empty context for one document. */
export function createReadContext(): ReadContext {
  return { issues: [], ignoredFields: [], v2Markers: [], clusterPolicies: new Map() };
}

/** Records a problem at a path. */
export function reportIssue(context: ReadContext, path: string, message: string): void {
  context.issues.push({ path, message });
}

/** Records a field that is accepted but has no effect here. */
export function reportIgnored(context: ReadContext, path: string): void {
  if (!context.ignoredFields.includes(path)) context.ignoredFields.push(path);
}

/** The path of a field inside a mapping at `path`. */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The path of an item inside a list at `path`. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}
