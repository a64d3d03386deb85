/** The counts of an autocannon result that lbbench reads, after narrowing. */
export interface AutocannonCounts {
  readonly connections: number;
  readonly requestsSent: number;
  readonly status2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/**
 * Reads the counts lbbench needs from an autocannon result (`unknown` at this boundary).
 * @throws TypeError naming the first field that is missing or not a number.
 */
export function readAutocannonCounts(result: unknown): AutocannonCounts {
  return {
    connections: readNumber(result, 'connections'),
    requestsSent: readNumber(getField(result, 'requests'), 'sent', 'requests.'),
    status2xx: readNumber(result, '2xx'),
    non2xx: readNumber(result, 'non2xx'),
    errors: readNumber(result, 'errors'),
    timeouts: readNumber(result, 'timeouts'),
  };
}

function getField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function readNumber(value: unknown, key: string, prefix = ''): number {
  const field = getField(value, key);
  if (typeof field !== 'number') {
    throw new TypeError(`autocannon result: "${prefix}${key}" must be a number, got ${typeof field}`);
  }
  return field;
}
