import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { parseDocument } from 'yaml';
import { applyRowConfig } from '../../envoy-config/apply-row-config.js';
import { LbbenchError } from '../../errors.js';
import type { EnvoyPolicyEntry, Scenario } from '../../scenario/types.js';
import type { ProxyInfo } from '../backend.js';
import { expandTemplateVariables, patchProxyConfig } from './proxy-config.js';

/** The proxy program the local backend runs. */
export interface LocalProxyCommand {
  readonly argv: readonly string[];
  readonly isLbbenchProxy: boolean;
  readonly kind: ProxyInfo['kind'];
}

/**
 * Chooses the proxy program: the scenario's `proxy.command` (an Envoy-compatible binary), `envoy` from PATH for
 * `proxy.kind: envoy`, else lbbench-proxy run by this Node.
 * @throws LbbenchError `LBB_INTERNAL` when lbbench-proxy is not built.
 */
export async function resolveProxyCommand(
  scenario: Scenario,
  proxyEntry: string,
): Promise<LocalProxyCommand> {
  const custom = scenario.proxy.command;
  if (custom !== undefined && custom.length > 0) {
    return {
      argv: custom,
      isLbbenchProxy: false,
      kind: scenario.proxy.kind === 'envoy' ? 'envoy' : 'custom',
    };
  }
  if (scenario.proxy.kind === 'envoy') {
    return { argv: ['envoy'], isLbbenchProxy: false, kind: 'envoy' };
  }
  await requireFile(proxyEntry);
  return { argv: [process.execPath, proxyEntry], isLbbenchProxy: true, kind: 'lbbench' };
}

/**
 * Renders the proxy's template for the row's policy (`${ENVOY_LB_ALG}`, `${SERVICE_NAME}`, as the container's entrypoint
 * does with envsubst), patches it for loopback (a real Envoy is also pointed at the embedded DNS server), then sets
 * the row's settings with {@link applyRowConfig}.
 */
export async function renderLocalProxyConfig(options: {
  readonly templatePath: string;
  readonly row: EnvoyPolicyEntry;
  readonly serviceName: string;
  readonly scenario: Scenario;
  readonly podPort: number;
  readonly dnsServer: { readonly host: string; readonly port: number };
  readonly isLbbenchProxy: boolean;
}): Promise<string> {
  const template = await readFile(options.templatePath, 'utf8').catch((error: unknown) => {
    throw new LbbenchError(
      'LBB_PROXY_CONFIG_INVALID',
      `${options.templatePath}: cannot read the proxy template (a scenario's proxy.template is relative to the scenario file)`,
      {
        cause: error,
      },
    );
  });
  const rendered = expandTemplateVariables(template, {
    ENVOY_LB_ALG: options.row.policy,
    SERVICE_NAME: options.serviceName,
  });
  const dnsResolver = { address: options.dnsServer.host, port: options.dnsServer.port };
  const patched = patchProxyConfig(
    rendered,
    {
      serviceName: options.serviceName,
      podPort: options.podPort,
      dnsRefreshRateMs: options.scenario.proxy.dnsRefreshRateMs,
      respectDnsTtl: options.scenario.proxy.respectDnsTtl,
      dnsResolver: options.isLbbenchProxy ? undefined : dnsResolver,
    },
    options.templatePath,
  );
  const doc = parseDocument(patched);
  applyRowConfig(doc, options.row, options.scenario, {
    serviceName: options.serviceName,
    sourceName: options.templatePath,
  });
  return doc.toString();
}

/**
 * Finds the proxy's config template in the lbbench package, walking up from `startDir` (works from `src/` and
 * `dist/`): `proxy/envoy.yaml.tmpl` (the seed's v2 shape) for lbbench-proxy; `proxy/envoy-v3.yaml.tmpl` first for
 * any other proxy, since Envoy dropped the v2 API in 1.18.
 * @throws LbbenchError `LBB_INTERNAL` when neither is there.
 */
export async function findProxyTemplate(startDir: string, isLbbenchProxy: boolean): Promise<string> {
  const names = isLbbenchProxy ? ['envoy.yaml.tmpl'] : ['envoy-v3.yaml.tmpl', 'envoy.yaml.tmpl'];
  for (let dir = startDir; ; dir = dirname(dir)) {
    for (const name of names) {
      const candidate = join(dir, 'proxy', name);
      if (await isReadable(candidate)) {
        return candidate;
      }
    }
    if (dirname(dir) === dir) {
      throw new LbbenchError(
        'LBB_INTERNAL',
        `proxy/${names.join(' or proxy/')} not found in ${startDir} or above; the lbbench package is incomplete`,
      );
    }
  }
}

/** @throws LbbenchError `LBB_INTERNAL` naming the file and `npm run build` when `path` does not exist. */
export async function requireFile(path: string): Promise<void> {
  if (!(await isReadable(path))) {
    throw new LbbenchError('LBB_INTERNAL', `${path} not found: build lbbench first (npm run build)`);
  }
}

async function isReadable(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
