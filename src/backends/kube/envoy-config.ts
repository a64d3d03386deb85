import { parse } from 'yaml';
import type { LbPolicy } from 'lbbench-proxy';
import { ProxyError } from '../../errors.js';

/** The real Envoy deployed for `proxy.kind: envoy` (an exact tag of the v1.34 line on Docker Hub). */
export const ENVOY_IMAGE = 'envoyproxy/envoy:v1.34.1';

/** Where the v3 config template lives, relative to the repository root. */
export const ENVOY_TEMPLATE_PATH = 'proxy/envoy-v3.yaml.tmpl';

/**
 * Renders the Envoy v3 template like `envsubst '$ENVOY_LB_ALG,$SERVICE_NAME'`: only those two
 * variables (`${NAME}` or `$NAME`) are replaced; the result must be YAML with no `${…}` left.
 * @throws ProxyError naming the template when a placeholder remains or the result is not YAML.
 */
export function renderEnvoyConfig(
  template: string,
  values: { policy: LbPolicy; serviceName: string },
  file = ENVOY_TEMPLATE_PATH,
): string {
  const vars: Readonly<Record<string, string>> = {
    ENVOY_LB_ALG: values.policy,
    SERVICE_NAME: values.serviceName,
  };
  const rendered = template.replace(
    /\$\{(ENVOY_LB_ALG|SERVICE_NAME)\}|\$(ENVOY_LB_ALG|SERVICE_NAME)\b/g,
    (_match: string, braced: string | undefined, bare: string | undefined) =>
      vars[braced ?? bare ?? ''] ?? '',
  );
  const left = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/.exec(rendered);
  if (left !== null) {
    throw new ProxyError(
      `${file}: placeholder ${left[0]} is not set by lbbench (only \${ENVOY_LB_ALG} and \${SERVICE_NAME} are)`,
    );
  }
  try {
    parse(rendered);
  } catch (error) {
    throw new ProxyError(`${file}: the rendered Envoy config is not valid YAML: ${String(error)}`, {
      cause: error,
    });
  }
  return rendered;
}
