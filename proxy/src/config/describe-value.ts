/** Describes a parsed YAML value for an error message: strings quoted, numbers and booleans as-is. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null) return 'null (an empty value)';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}
