import { GateSyntaxError } from '../errors.js';
import { parseGate } from '../gates/parse-gate.js';
import type { GateSpec } from './types.js';
import { describeValue } from '../validation/describe-value.js';
import { readList, readMapping } from './read-fields.js';
import { isRecord } from '../validation/is-record.js';
import { joinPath } from '../validation/join-path.js';
import type { IssueSink } from './read-fields.js';
import { normalizePolicyName } from './policy-name.js';
import { findRowName, ROW_NAME_RULE } from './row-names.js';
import { formatSuggestion } from '../validation/suggest-name.js';

const GATE_GROUP_KEYS = ['policy', 'assert'];

/** Where gates come from, and the names of the rows that run (undefined when they are unknown, to skip that check). */
export interface GateContext {
  readonly origin: GateSpec['origin'];
  readonly rows: readonly string[] | undefined;
}

/**
 * Reads gates: strings such as `"ROUND_ROBIN: jain >= 0.999"` or `"LR-3: jain >= 0.9"` (a row name before the colon;
 * no prefix, or `*:`, means every row), groups `{ policy: RANDOM, assert: ["cv <= 3 * null_cv", …] }` (`policy`
 * names the row), and the unquoted `- RANDOM: cv <= 0.1` (a one-key mapping). Each gate is parsed now, so a bad one
 * is reported at its path with the parser's message; the returned specs name their row as the scenario spells it
 * and keep the text as written.
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
 * Parses one gate text for `row` and returns its spec (the row taken from a prefix when there is one), or records
 * an issue: a syntax error, or a row that is not among the rows that run.
 */
export function readGateText(
  text: string,
  row: string,
  context: GateContext,
  path: string,
  issues: IssueSink,
): GateSpec[] {
  const { origin, rows } = context;
  try {
    const parsed = parseGate({ row, expression: text, origin });
    if (parsed.row === '*' || rows === undefined) return [{ row: parsed.row, expression: text, origin }];
    const known = findRowName(rows, parsed.row);
    if (known === undefined) {
      issues.push({
        path,
        message: `gate "${text}" is for row ${parsed.row}, which is not among the rows (${rows.join(', ')})${formatSuggestion(parsed.row, rows)}`,
      });
      return [];
    }
    return [{ row: known, expression: text, origin }];
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
  const isRowName =
    key !== undefined && (normalizePolicyName(key) !== undefined || ROW_NAME_RULE.pattern.test(key));
  if (keys.length !== 1 || !isRowName || key === 'policy' || key === 'assert') return item;
  return { policy: key, assert: item[key] };
}

function readGateGroup(
  item: Readonly<Record<string, unknown>>,
  context: GateContext,
  path: string,
  issues: IssueSink,
): GateSpec[] {
  const raw = readMapping(item, path, GATE_GROUP_KEYS, issues);
  const row = readGateRow(raw.policy, context, joinPath(path, 'policy'), issues);
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
    return row === undefined ? [] : readGateText(assertion, row, context, itemPath, issues);
  });
}

function readGateRow(
  value: unknown,
  context: GateContext,
  path: string,
  issues: IssueSink,
): string | undefined {
  if (value === undefined || value === '*') return '*';
  const { rows } = context;
  if (typeof value === 'string' && rows !== undefined) {
    const row = findRowName(rows, value);
    if (row !== undefined) return row;
    issues.push({
      path,
      message: `must name one of the rows (${rows.join(', ')}) or *, got ${describeValue(value)}${formatSuggestion(value, rows)}`,
    });
    return undefined;
  }
  if (typeof value === 'string' && ROW_NAME_RULE.pattern.test(value)) return value;
  issues.push({ path, message: `must be a row name or *, got ${describeValue(value)}` });
  return undefined;
}
