import { LB_POLICIES, type LbPolicy } from 'lbbench-proxy';
import { GateSyntaxError } from '../errors.js';
import { parseGate } from '../gates/parse-gate.js';
import type { GateSpec } from './types.js';
import { describeValue } from '../validation/describe-value.js';
import { readList, readMapping } from './read-fields.js';
import { isRecord } from '../validation/is-record.js';
import { joinPath } from '../validation/join-path.js';
import type { IssueSink } from './read-fields.js';
import { normalizePolicyName } from './read-policies.js';
import { formatSuggestion } from '../validation/suggest-name.js';

const GATE_GROUP_KEYS = ['policy', 'assert'];

/** Where gates come from, and the policies that run (undefined when they are unknown, to skip that check). */
export interface GateContext {
  readonly origin: GateSpec['origin'];
  readonly policies: readonly LbPolicy[] | undefined;
}

/**
 * Reads gates: strings such as `"ROUND_ROBIN: jain >= 0.999"` (no prefix, or `*:`, means every policy), groups
 * `{ policy: RANDOM, assert: ["cv <= 3 * null_cv", …] }`, and the unquoted `- RANDOM: cv <= 0.1` (a one-key mapping). Each gate is parsed now, so a bad one is reported at its
 * path with the parser's message; the returned specs keep the text as written.
 */
export function readGates(value: unknown, context: GateContext, issues: IssueSink): readonly GateSpec[] {
  const items = readList(value, 'gates', 'gate strings or { policy, assert } groups', issues);
  return items.flatMap((item, i) => {
    const path = `gates[${i}]`;
    if (typeof item === 'string') return readGateText(item, '*', context, path, issues);
    if (isRecord(item)) return readGateGroup(unfoldUnquotedGate(item), context, path, issues);
    issues.push({
      path,
      message: `must be a gate like "ROUND_ROBIN: jain >= 0.999" or { policy, assert }, got ${describeValue(item)}`,
    });
    return [];
  });
}

/**
 * Parses one gate text for `policy` and returns its spec (the policy taken from a prefix when there is one), or
 * records an issue: a syntax error, or a policy that is not among the policies that run.
 */
export function readGateText(
  text: string,
  policy: LbPolicy | '*',
  context: GateContext,
  path: string,
  issues: IssueSink,
): GateSpec[] {
  const { origin, policies } = context;
  try {
    const parsed = parseGate({ policy, expression: text, origin });
    if (parsed.policy !== '*' && policies !== undefined && !policies.includes(parsed.policy)) {
      issues.push({
        path,
        message: `gate "${text}" is for ${parsed.policy}, which is not among the policies (${policies.join(', ')})`,
      });
      return [];
    }
    return [{ policy: parsed.policy, expression: text, origin }];
  } catch (error) {
    if (!(error instanceof GateSyntaxError)) throw error;
    issues.push({ path, message: error.message });
    return [];
  }
}

// `- ROUND_ROBIN: jain >= 0.999` without quotes is a one-key YAML mapping; read it as the gate it was meant to be.
function unfoldUnquotedGate(item: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const keys = Object.keys(item);
  const [key] = keys;
  if (keys.length !== 1 || key === undefined || normalizePolicyName(key) === undefined) return item;
  return { policy: key, assert: item[key] };
}

function readGateGroup(
  item: Readonly<Record<string, unknown>>,
  context: GateContext,
  path: string,
  issues: IssueSink,
): GateSpec[] {
  const raw = readMapping(item, path, GATE_GROUP_KEYS, issues);
  const policy = readGatePolicy(raw.policy, joinPath(path, 'policy'), issues);
  const assertPath = joinPath(path, 'assert');
  if (raw.assert === undefined) {
    issues.push({
      path: assertPath,
      message: 'is required: a gate or a list of gates, e.g. ["jain >= 0.999"]',
    });
    return [];
  }
  const asserts =
    typeof raw.assert === 'string' ? [raw.assert] : readList(raw.assert, assertPath, 'gates', issues);
  return asserts.flatMap((assertion, j) => {
    const itemPath = typeof raw.assert === 'string' ? assertPath : `${assertPath}[${j}]`;
    if (typeof assertion !== 'string') {
      issues.push({
        path: itemPath,
        message: `must be a gate like "jain >= 0.999", got ${describeValue(assertion)}`,
      });
      return [];
    }
    return policy === undefined ? [] : readGateText(assertion, policy, context, itemPath, issues);
  });
}

function readGatePolicy(value: unknown, path: string, issues: IssueSink): LbPolicy | '*' | undefined {
  if (value === undefined || value === '*') return '*';
  const policy = typeof value === 'string' ? normalizePolicyName(value) : undefined;
  if (policy !== undefined) return policy;
  const hint = typeof value === 'string' ? formatSuggestion(value, LB_POLICIES) : '';
  issues.push({
    path,
    message: `must be one of ${LB_POLICIES.join(', ')} or *, got ${describeValue(value)}${hint}`,
  });
  return undefined;
}
