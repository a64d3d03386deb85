const MAX_SHOWN_LENGTH = 60;

/** How lists and mappings are named: `yaml` (scenarios: "a list", "a mapping") or `json` ("array", "object"). */
export type ValueVocabulary = 'yaml' | 'json';

const CONTAINER_NAMES: Readonly<Record<ValueVocabulary, { list: string; mapping: string }>> = {
  yaml: { list: 'a list', mapping: 'a mapping' },
  json: { list: 'array', mapping: 'object' },
};

/**
 * How a bad value is shown in a message: `"ten" (string)`, `2.5 (number)`, `true (boolean)`, `null`, `nothing`,
 * and a list or mapping by its name in the document's `vocabulary` (default `yaml`). Long strings are cut at 60
 * characters inside their quotes.
 */
export function describeValue(value: unknown, vocabulary: ValueVocabulary = 'yaml'): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return CONTAINER_NAMES[vocabulary].list;
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
      return CONTAINER_NAMES[vocabulary].mapping;
    default:
      return typeof value;
  }
}
