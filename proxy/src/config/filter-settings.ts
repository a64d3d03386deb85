import type { ExtensionNames } from './envoy-names.js';
import { withTypeUrl } from './field-schemas.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import { isRecord, readMapping, type FieldSchema, type Mapping } from './read-fields.js';

/** Which extension a filter entry must be, for messages: e.g. `the router HTTP filter`. */
export interface FilterKind {
  readonly names: ExtensionNames;
  readonly description: string;
  /** Whether the filter needs settings (the HCM does; the router does not). */
  readonly hasRequiredSettings: boolean;
}

function describeAllowedNames(kind: FilterKind): string {
  return `lbbench-proxy supports only ${kind.description} (${kind.names.v3Name}, v2: ${kind.names.v2Name})`;
}

function readTypedSettings(filter: Mapping, kind: FilterKind, schema: FieldSchema, context: ReadContext) {
  const typedConfig = filter.fields.typed_config;
  const path = joinPath(filter.path, 'typed_config');
  const typeUrl = isRecord(typedConfig) ? typedConfig['@type'] : undefined;
  const { v2TypeUrl, v3TypeUrl } = kind.names;
  if (isRecord(typedConfig) && typeUrl !== v3TypeUrl && typeUrl !== v2TypeUrl) {
    const got = typeUrl === undefined ? 'no "@type"' : JSON.stringify(typeUrl);
    const message = `${describeAllowedNames(kind)}: "@type" must be "${v3TypeUrl}" (v2: "${v2TypeUrl}"), got ${got}`;
    reportIssue(context, joinPath(path, '@type'), message);
    return undefined;
  }
  if (typeUrl === v2TypeUrl) context.v2Markers.push(path);
  return readMapping(typedConfig, path, context, withTypeUrl(schema));
}

function checkFilterName(filter: Mapping, kind: FilterKind, context: ReadContext): boolean {
  const { name } = filter.fields;
  if (name === kind.names.v2Name) context.v2Markers.push(joinPath(filter.path, 'name'));
  if (name === kind.names.v3Name || name === kind.names.v2Name) return true;
  if (typeof name === 'string')
    reportIssue(context, joinPath(filter.path, 'name'), `${describeAllowedNames(kind)}, got "${name}"`);
  return false;
}

/**
 * Reads a filter's settings: v3 `typed_config` (whose `@type` picks the extension, as in Envoy ≥ 1.22, so
 * `name` is informational) or v2 `config` (where `name` picks it). Absent settings read as an empty mapping
 * when the filter has none that are required.
 */
export function readFilterSettings(
  filter: Mapping,
  kind: FilterKind,
  schema: FieldSchema,
  context: ReadContext,
): Mapping | undefined {
  const hasTyped = filter.fields.typed_config !== undefined;
  const hasConfig = filter.fields.config !== undefined;
  if (hasTyped && hasConfig) {
    reportIssue(context, filter.path, 'set either config (v2) or typed_config (v3), not both');
    return undefined;
  }
  if (hasTyped) return readTypedSettings(filter, kind, schema, context);
  if (!checkFilterName(filter, kind, context)) return undefined;
  if (hasConfig) {
    context.v2Markers.push(joinPath(filter.path, 'config'));
    return readMapping(filter.fields.config, joinPath(filter.path, 'config'), context, schema);
  }
  if (!kind.hasRequiredSettings) return { path: joinPath(filter.path, 'typed_config'), fields: {} };
  reportIssue(
    context,
    filter.path,
    `must set typed_config (v3) or config (v2) with the settings of ${kind.description}`,
  );
  return undefined;
}
