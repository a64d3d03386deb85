import { describeValue } from './describe-value.js';
import { DURATION_EXPECTATION, parseDurationMs } from './duration.js';
import { indexPath, joinPath, reportIgnored, reportIssue, type ReadContext } from './read-context.js';
import { findClosestName } from './suggest.js';

/** Which keys an Envoy message may hold here: used, accepted but ignored, or known to Envoy but rejected. */
export interface FieldSchema {
  readonly supported: readonly string[];
  readonly ignored: readonly string[];
  readonly unsupported: readonly string[];
}

/** A YAML mapping whose keys have been checked against a schema, with its path. */
export interface Mapping {
  readonly path: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** One item of a YAML list, with its path. */
export interface ListItem {
  readonly path: string;
  readonly value: unknown;
}

/** Options shared by the field readers. */
export interface FieldOptions {
  /** Report the field when it is absent (default: absent means "use the default"). */
  readonly isRequired?: boolean;
}

const INTEGER_TEXT = /^\d+$/;

/** Whether a parsed YAML value is a mapping. */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeUnknownField(key: string, schema: FieldSchema): string {
  const closest = findClosestName(key, [...schema.supported, ...schema.ignored]);
  const hint = closest === undefined ? '' : ` (did you mean "${closest}"?)`;
  const ignored = schema.ignored.length > 0 ? `; accepted but ignored: ${schema.ignored.join(', ')}` : '';
  return `unknown field "${key}"${hint}; allowed: ${schema.supported.join(', ')}${ignored}`;
}

function checkKey(key: string, path: string, context: ReadContext, schema: FieldSchema): void {
  if (schema.supported.includes(key)) return;
  if (schema.ignored.includes(key)) {
    reportIgnored(context, path);
  } else if (schema.unsupported.includes(key)) {
    const supported = schema.supported.join(', ');
    reportIssue(
      context,
      path,
      `Envoy field "${key}" is not supported by lbbench-proxy; supported here: ${supported}`,
    );
  } else {
    reportIssue(context, path, describeUnknownField(key, schema));
  }
}

/** Checks that a value is a mapping whose keys the schema allows; records ignored keys. */
export function readMapping(
  value: unknown,
  path: string,
  context: ReadContext,
  schema: FieldSchema,
): Mapping | undefined {
  if (!isRecord(value)) {
    reportIssue(context, path, `must be a mapping, got ${describeValue(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value)) checkKey(key, joinPath(path, key), context, schema);
  return { path, fields: value };
}

/** Whether a mapping sets a field. */
export function hasField(mapping: Mapping, key: string): boolean {
  return mapping.fields[key] !== undefined;
}

function getField(
  mapping: Mapping,
  key: string,
  context: ReadContext,
  expectation: string,
  options: FieldOptions,
) {
  const path = joinPath(mapping.path, key);
  const value = mapping.fields[key];
  if (value === undefined && options.isRequired === true)
    reportIssue(context, path, `is required; must be ${expectation}`);
  return value === undefined ? undefined : { path, value };
}

/** Reads a field and converts it; a value that does not convert is reported with what was expected. */
function readConverted<T>(
  mapping: Mapping,
  key: string,
  context: ReadContext,
  expectation: string,
  options: FieldOptions,
  convert: (value: unknown) => T | undefined,
): T | undefined {
  const field = getField(mapping, key, context, expectation, options);
  if (field === undefined) return undefined;
  const converted = convert(field.value);
  if (converted === undefined)
    reportIssue(context, field.path, `must be ${expectation}, got ${describeValue(field.value)}`);
  return converted;
}

/** Reads a nested mapping field. */
export function readChildMapping(
  mapping: Mapping,
  key: string,
  context: ReadContext,
  schema: FieldSchema,
  options: FieldOptions = {},
): Mapping | undefined {
  const field = getField(mapping, key, context, 'a mapping', options);
  return field === undefined ? undefined : readMapping(field.value, field.path, context, schema);
}

/** Reads a list field as items with their paths. */
export function readList(
  mapping: Mapping,
  key: string,
  context: ReadContext,
  options: FieldOptions = {},
): readonly ListItem[] | undefined {
  const path = joinPath(mapping.path, key);
  const items = readConverted(mapping, key, context, 'a list', options, (value) =>
    Array.isArray(value) ? (value as unknown[]) : undefined,
  );
  return items?.map((value, index) => ({ path: indexPath(path, index), value }));
}

/** Reads a string field; empty strings are refused unless `allowEmpty`. */
export function readString(
  mapping: Mapping,
  key: string,
  context: ReadContext,
  options: FieldOptions & { readonly allowEmpty?: boolean } = {},
): string | undefined {
  const allowEmpty = options.allowEmpty === true;
  const expectation = allowEmpty ? 'a string' : 'a non-empty string';
  return readConverted(mapping, key, context, expectation, options, (value) =>
    typeof value === 'string' && (allowEmpty || value !== '') ? value : undefined,
  );
}

/** Reads an unsigned integer field (a number or, as in protobuf JSON, a string of digits) within bounds. */
export function readInteger(
  mapping: Mapping,
  key: string,
  context: ReadContext,
  options: FieldOptions & { readonly min: number; readonly max: number },
): number | undefined {
  const { min, max } = options;
  return readConverted(mapping, key, context, `an integer from ${min} to ${max}`, options, (value) => {
    const number = typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
    return typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max
      ? number
      : undefined;
  });
}

/** Reads a finite number field (a number or a numeric string). */
export function readNumber(mapping: Mapping, key: string, context: ReadContext): number | undefined {
  return readConverted(mapping, key, context, 'a number', {}, (value) => {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
  });
}

/** Reads a boolean field (only `true` or `false`, as protobuf JSON). */
export function readBoolean(mapping: Mapping, key: string, context: ReadContext): boolean | undefined {
  return readConverted(mapping, key, context, 'true or false', {}, (value) =>
    typeof value === 'boolean' ? value : undefined,
  );
}

/** Reads an enum field spelt exactly as Envoy spells its values. */
export function readEnum<T extends string>(
  mapping: Mapping,
  key: string,
  context: ReadContext,
  allowed: readonly T[],
  options: FieldOptions = {},
): T | undefined {
  const expectation = `one of ${allowed.join(', ')}`;
  const field = getField(mapping, key, context, expectation, options);
  if (field === undefined) return undefined;
  const match = allowed.find((name) => name === field.value);
  if (match !== undefined) return match;
  const caseMatch = allowed.find(
    (name) => typeof field.value === 'string' && name === field.value.toUpperCase(),
  );
  const hint = caseMatch === undefined ? '' : `; enum names are case-sensitive, did you mean "${caseMatch}"?`;
  reportIssue(context, field.path, `must be ${expectation}, got ${describeValue(field.value)}${hint}`);
  return undefined;
}

/** Reads a duration field in ms; `minExclusiveMs` is Envoy's `gt` bound. */
export function readDurationMs(
  mapping: Mapping,
  key: string,
  context: ReadContext,
  options: FieldOptions & { readonly minExclusiveMs?: number } = {},
): number | undefined {
  const field = getField(mapping, key, context, DURATION_EXPECTATION, options);
  if (field === undefined) return undefined;
  const result = parseDurationMs(field.value);
  if (!result.isValid) {
    reportIssue(context, field.path, result.message);
    return undefined;
  }
  const { minExclusiveMs } = options;
  if (minExclusiveMs === undefined || result.valueMs > minExclusiveMs) return result.valueMs;
  reportIssue(
    context,
    field.path,
    `must be longer than ${minExclusiveMs}ms, got ${describeValue(field.value)}`,
  );
  return undefined;
}
