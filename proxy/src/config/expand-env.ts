import { ProxyConfigError, type ProxyConfigIssue } from './proxy-config-error.js';

/** Environment variables as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

// Only the braced form, exactly what the container's `envsubst '$ENVOY_LB_ALG,$SERVICE_NAME'` renders in the
// template; a bare `$VAR` is left alone, as are `${…}` forms that are not a plain variable name.
const VARIABLE_PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The 1-based `line N, column M` of a character offset in a text. */
function describeTextPosition(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/**
 * Replaces every `${VAR}` in a config text with its value from `env` (an empty value is allowed).
 * @throws {ProxyConfigError} naming every unset variable and where it is used.
 */
export function expandEnv(text: string, env: Environment, file = 'config'): string {
  const issues: ProxyConfigIssue[] = [];
  const expanded = text.replace(VARIABLE_PATTERN, (reference: string, name: string, offset: number) => {
    const value = env[name];
    if (value !== undefined) return value;
    issues.push({
      path: describeTextPosition(text, offset),
      message: `environment variable ${name} is not set (used as ${reference}); set it or replace the reference`,
    });
    return reference;
  });
  if (issues.length > 0) throw new ProxyConfigError(file, issues);
  return expanded;
}
