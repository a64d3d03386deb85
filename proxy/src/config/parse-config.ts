import type { ProxyConfig } from '../types.js';
import { expandEnv, type Environment } from './expand-env.js';
import { BOOTSTRAP_SCHEMAS } from './field-schemas.js';
import { readAdmin } from './parse-admin.js';
import { readClusters } from './parse-cluster.js';
import { readListeners } from './parse-listener.js';
import { parseYamlText } from './parse-yaml.js';
import { ProxyConfigError } from './proxy-config-error.js';
import { createReadContext, reportIssue, type ReadContext } from './read-context.js';
import { readChildMapping, readMapping } from './read-fields.js';

/** Options of {@link parseProxyConfig}. */
export interface ParseProxyConfigOptions {
  /** How the file is named in messages, e.g. the `-c` path. */
  readonly file: string;
  /** Variables for `${VAR}` expansion. */
  readonly env: Environment;
}

type BootstrapConfig = Pick<ProxyConfig, 'admin' | 'listeners' | 'clusters'>;

function readBootstrap(source: unknown, context: ReadContext): BootstrapConfig | undefined {
  if (source === null || source === undefined) {
    reportIssue(context, '', 'the file is empty; expected a mapping with admin and static_resources');
    return undefined;
  }
  const bootstrap = readMapping(source, '', context, BOOTSTRAP_SCHEMAS.bootstrap);
  if (bootstrap === undefined) return undefined;
  const staticResources = readChildMapping(
    bootstrap,
    'static_resources',
    context,
    BOOTSTRAP_SCHEMAS.staticResources,
  );
  const admin = readAdmin(bootstrap, context);
  // Clusters first: routes are checked against the cluster names.
  const clusters = readClusters(staticResources, context);
  const listeners = readListeners(staticResources, context);
  return admin === undefined ? undefined : { admin, listeners, clusters };
}

/**
 * Turns the text of an Envoy static bootstrap (v2 or v3 shape) into a validated {@link ProxyConfig} with
 * every default filled in: expands `${VAR}`, parses the YAML, then checks every field.
 * @throws {ProxyConfigError} listing every problem found, each as `FILE: yaml.path: message`.
 */
export function parseProxyConfig(text: string, options: ParseProxyConfigOptions): ProxyConfig {
  const expanded = expandEnv(text, options.env, options.file);
  const source = parseYamlText(expanded, options.file);
  const context = createReadContext();
  const config = readBootstrap(source, context);
  if (config === undefined || context.issues.length > 0)
    throw new ProxyConfigError(options.file, context.issues);
  return {
    apiVersion: context.v2Markers.length > 0 ? 'v2' : 'v3',
    ...config,
    ignoredFields: [...context.ignoredFields],
    source,
  };
}
