/** Kinds of gate tokens; `invalid` is a character the grammar has no use for. */
export type GateTokenKind =
  'number' | 'name' | 'comparison' | 'arithmetic' | '(' | ')' | '.' | ':' | 'end' | 'invalid';

/** One token of a gate with its 1-based column in the gate text. */
export interface GateToken {
  readonly kind: GateTokenKind;
  readonly text: string;
  readonly column: number;
}

const TOKEN_PATTERNS: readonly (readonly [GateTokenKind, RegExp])[] = [
  ['number', /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/],
  ['name', /^[A-Za-z_][A-Za-z0-9_]*/],
  ['comparison', /^(?:<=|>=|==|!=|<|>)/],
  ['arithmetic', /^[-+*/]/],
  ['(', /^\(/],
  [')', /^\)/],
  ['.', /^\./],
  [':', /^:/],
];

/** Splits a gate into tokens, ending with an `end` token; unknown characters become `invalid` tokens. */
export function tokenizeGate(text: string): GateToken[] {
  const tokens: GateToken[] = [];
  let offset = 0;
  while (offset < text.length) {
    const rest = text.slice(offset);
    const space = /^\s+/.exec(rest);
    if (space !== null) {
      offset += space[0].length;
      continue;
    }
    const token = matchToken(rest, offset + 1);
    tokens.push(token);
    offset += token.text.length;
  }
  tokens.push({ kind: 'end', text: '', column: text.length + 1 });
  return tokens;
}

function matchToken(rest: string, column: number): GateToken {
  for (const [kind, pattern] of TOKEN_PATTERNS) {
    const match = pattern.exec(rest);
    if (match !== null) return { kind, text: match[0], column };
  }
  return { kind: 'invalid', text: rest.slice(0, 1), column };
}
