const MAX_SHOWN_LENGTH = 60;

/** How a bad value is shown in a message: `"ten" (string)`, `2.5 (number)`, `true (boolean)`, `null`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_SHOWN_LENGTH ? `${value.slice(0, MAX_SHOWN_LENGTH)}…` : value;
      return `${JSON.stringify(shown)} (string)`;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${String(value)} (${typeof value})`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}
