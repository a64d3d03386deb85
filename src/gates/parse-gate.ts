import { LB_POLICIES } from 'lbbench-proxy';
import { GateSyntaxError } from '../errors.js';
import type { GateSpec } from '../scenario/types.js';
import { describeUnknownName } from '../validation/suggest-name.js';
import { METRIC_NAMES } from '../stats/types.js';
import type { GateExpression, MetricReference, ParsedGate } from './gate-ast.js';
import { tokenizeGate } from './tokenize-gate.js';
import type { GateToken } from './tokenize-gate.js';
import type { GateAggregate, GateOperator } from './types.js';

const EXPECTED_OPERAND = 'expected a number, metric or "("';

/** A gate's row prefix: a row name or `*`, then a colon. */
const ROW_PREFIX = /^\s*(\*|[A-Za-z0-9][A-Za-z0-9_-]*)\s*:/;

/**
 * Parses a gate: `[ROW ':'] lhs OP rhs`, where lhs is a metric optionally wrapped in median(), pNN(), ci_low(),
 * ci_high(), min() or max(), OP is one of <= >= < > == !=, and rhs is arithmetic (+ - * / and parentheses) over
 * numbers, metrics of the same row and `baseline.<metric>`. Unwrapped metrics mean their median over repetitions.
 * A row prefix in the expression (a row name such as `LR-3`) wins over `spec.row` when that is `*`; two different
 * rows are an error. Whether the row exists is checked by the caller, who knows the rows.
 * @throws GateSyntaxError naming the offending token and its 1-based column in `spec.expression`.
 */
export function parseGate(spec: GateSpec): ParsedGate {
  const prefixMatch = ROW_PREFIX.exec(spec.expression);
  const cursor = createCursor(spec.expression, prefixMatch?.[0].length ?? 0);
  const prefix = prefixMatch?.[1];
  const row = resolveRow(cursor, spec.row, prefix);
  const lhs = readReference(cursor, 'lhs');
  const operatorToken = cursor.next();
  if (operatorToken.kind !== 'comparison') {
    cursor.fail(operatorToken, 'expected one of <=, >=, <, >, ==, !=');
  }
  const rhs = readSum(cursor);
  const last = cursor.next();
  if (last.kind !== 'end') cursor.fail(last, 'expected an arithmetic operator or the end of the gate');
  const hasOwnPrefix = prefix !== undefined;
  return {
    text: hasOwnPrefix || row === '*' ? spec.expression.trim() : `${row}: ${spec.expression.trim()}`,
    row,
    origin: spec.origin,
    lhs,
    operator: operatorToken.text as GateOperator,
    rhs,
    usesBaseline: containsBaseline(rhs),
  };
}

interface Cursor {
  peek(offset?: number): GateToken;
  next(): GateToken;
  fail(token: GateToken, expected: string): never;
  failWith(message: string): never;
}

/** A cursor over the tokens of `expression` after its first `skipChars` characters (the row prefix). */
function createCursor(expression: string, skipChars: number): Cursor {
  const tokens = tokenizeGate(expression).filter((token) => token.column > skipChars);
  let position = 0;
  const last = tokens[tokens.length - 1] as GateToken;
  const cursor: Cursor = {
    peek: (offset = 0) => tokens[position + offset] ?? last,
    next: () => tokens[Math.min(position++, tokens.length - 1)] ?? last,
    fail: (token, expected) => {
      const shown = token.kind === 'end' ? 'end of gate' : `"${token.text}"`;
      return cursor.failWith(`unexpected ${shown} at column ${token.column}, ${expected}`);
    },
    failWith: (message) => {
      throw new GateSyntaxError(expression, message);
    },
  };
  return cursor;
}

function resolveRow(cursor: Cursor, specRow: string, prefix: string | undefined): string {
  if (prefix === undefined || prefix === '*') return specRow;
  if (specRow !== '*' && specRow.toUpperCase() !== prefix.toUpperCase()) {
    cursor.failWith(`names row ${prefix} but is listed under row ${specRow}`);
  }
  return prefix;
}

function readSum(cursor: Cursor): GateExpression {
  let left = readProduct(cursor);
  while (cursor.peek().text === '+' || cursor.peek().text === '-') {
    const operator = cursor.next().text as '+' | '-';
    left = { kind: 'binary', operator, left, right: readProduct(cursor) };
  }
  return left;
}

function readProduct(cursor: Cursor): GateExpression {
  let left = readUnary(cursor);
  while (cursor.peek().text === '*' || cursor.peek().text === '/') {
    const operator = cursor.next().text as '*' | '/';
    left = { kind: 'binary', operator, left, right: readUnary(cursor) };
  }
  return left;
}

function readUnary(cursor: Cursor): GateExpression {
  if (cursor.peek().text === '-') {
    cursor.next();
    return { kind: 'negate', operand: readUnary(cursor) };
  }
  const token = cursor.peek();
  if (token.kind === 'number') {
    cursor.next();
    const value = Number(token.text);
    if (!Number.isFinite(value)) {
      cursor.failWith(
        `number "${token.text}" at column ${token.column} is too large; use at most about 1e308`,
      );
    }
    return { kind: 'number', value };
  }
  if (token.kind === '(') {
    cursor.next();
    const inner = readSum(cursor);
    const closing = cursor.next();
    if (closing.kind !== ')') cursor.fail(closing, 'expected ")" or an arithmetic operator');
    return inner;
  }
  if (token.kind === 'name') return readReference(cursor, 'rhs');
  return cursor.fail(token, EXPECTED_OPERAND);
}

function readReference(cursor: Cursor, side: 'lhs' | 'rhs'): MetricReference {
  const token = cursor.peek();
  if (token.kind !== 'name') {
    return cursor.fail(token, side === 'lhs' ? 'expected a metric' : EXPECTED_OPERAND);
  }
  if (cursor.peek(1).kind !== '(') return readMetricName(cursor, side, 'median');
  const aggregate = readAggregate(cursor, token);
  cursor.next();
  cursor.next();
  const reference = readMetricName(cursor, side, aggregate);
  const closing = cursor.next();
  if (closing.kind !== ')') cursor.fail(closing, 'expected ")"');
  return reference;
}

const NAMED_AGGREGATES: Readonly<Record<string, GateAggregate>> = {
  median: 'median',
  ci_low: 'low',
  ci_high: 'high',
  min: { percentile: 0 },
  max: { percentile: 100 },
};

function readAggregate(cursor: Cursor, token: GateToken): GateAggregate {
  const name = token.text.toLowerCase();
  const known = Object.hasOwn(NAMED_AGGREGATES, name) ? NAMED_AGGREGATES[name] : undefined;
  if (known !== undefined) return known;
  const percentile = /^p(\d+(?:_\d+)?)$/.exec(name)?.[1];
  const percent = percentile === undefined ? Number.NaN : Number(percentile.replace('_', '.'));
  if (percent >= 0 && percent <= 100) return { percentile: percent };
  return cursor.failWith(
    `unknown function "${token.text}" at column ${token.column}; use median(), pNN() with 0 ≤ NN ≤ 100 ` +
      `(e.g. p95(), p99_9()), ci_low(), ci_high(), min() or max()`,
  );
}

function readMetricName(cursor: Cursor, side: 'lhs' | 'rhs', aggregate: GateAggregate): MetricReference {
  let token = cursor.next();
  if (token.kind !== 'name') cursor.fail(token, 'expected a metric');
  let source: MetricReference['source'] = 'results';
  if (token.text === 'baseline' && cursor.peek().kind === '.') {
    if (side === 'lhs') {
      cursor.failWith(
        `baseline at column ${token.column}: the left side must be a measured metric; compare it with baseline.<metric> on the right`,
      );
    }
    cursor.next();
    source = 'baseline';
    token = cursor.next();
    if (token.kind !== 'name') cursor.fail(token, 'expected a metric after "baseline."');
  }
  const metric = METRIC_NAMES.find((name) => name === token.text.toLowerCase());
  if (metric === undefined) {
    const problem = `unknown metric "${token.text}" at column ${token.column}`;
    const isPolicy = LB_POLICIES.some((policy) => policy === token.text.toUpperCase());
    if (isPolicy && cursor.peek().kind === 'name') {
      return cursor.failWith(
        `${problem}: "${token.text}" is a policy; a row prefix ends with a colon, e.g. "${token.text.toUpperCase()}: ${cursor.peek().text} …"`,
      );
    }
    return cursor.failWith(describeUnknownName(problem, token.text, METRIC_NAMES, 'metrics'));
  }
  return { kind: 'metric', source, metric, aggregate };
}

function containsBaseline(expression: GateExpression): boolean {
  switch (expression.kind) {
    case 'number':
      return false;
    case 'metric':
      return expression.source === 'baseline';
    case 'negate':
      return containsBaseline(expression.operand);
    case 'binary':
      return containsBaseline(expression.left) || containsBaseline(expression.right);
  }
}
