import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterError, ProxyError } from '../../errors.js';
import type { Scenario } from '../../scenario/types.js';
import { ENVOY_TEMPLATE_PATH } from './envoy-config.js';
import {
  MANIFEST_FILES,
  parseManifestTemplates,
  type ManifestRole,
  type ManifestTemplates,
} from './manifest-templates.js';
import { buildDeployConfig, renderProxy, type KubeDeployConfig } from './deploy-config.js';
import { PROXY_TEMPLATE_PATH } from './proxy-config.js';
import { resolveProxyTemplatePath } from '../../scenario/proxy-template.js';

/**
 * Reads and checks the manifests in `<repoRoot>/cluster/`.
 * @throws ClusterError when a file is missing, not YAML or not the expected kind.
 */
export async function readManifestTemplates(repoRoot: string): Promise<ManifestTemplates> {
  const roles = Object.keys(MANIFEST_FILES) as ManifestRole[];
  const label = (role: ManifestRole): string => join('cluster', MANIFEST_FILES[role]);
  const entries = await Promise.all(
    roles.map(async (role) => {
      const path = join(repoRoot, label(role));
      try {
        return [role, await readFile(path, 'utf8')] as const;
      } catch (error) {
        throw new ClusterError(
          `${path}: cannot read the manifest (${String(error)}); the lbbench package is incomplete, reinstall it`,
          { cause: error },
        );
      }
    }),
  );
  return parseManifestTemplates(Object.fromEntries(entries) as Record<ManifestRole, string>, label);
}

/**
 * Reads the proxy's config template: `proxy/envoy-v3.yaml.tmpl` for a real Envoy, the bundled proxy's own
 * `proxy/envoy.yaml.tmpl` otherwise.
 * @throws ProxyError when it is missing.
 */
/** The scenario's `proxy.template` when it has one, else the bundled template of the proxy kind. */
async function readProxyTemplate(
  repoRoot: string,
  scenario: Scenario,
): Promise<{ text: string; file: string }> {
  const userTemplate = resolveProxyTemplatePath(scenario);
  if (userTemplate !== undefined) {
    try {
      return { text: await readFile(userTemplate, 'utf8'), file: userTemplate };
    } catch (error) {
      throw new ProxyError(
        `proxy.template: cannot read ${userTemplate} (${error instanceof Error ? error.message : String(error)}); ` +
          'the path is relative to the scenario file',
        { cause: error },
      );
    }
  }
  const file = scenario.proxy.kind === 'envoy' ? ENVOY_TEMPLATE_PATH : PROXY_TEMPLATE_PATH;
  const path = join(repoRoot, file);
  try {
    return { text: await readFile(path, 'utf8'), file };
  } catch (error) {
    throw new ProxyError(`${path}: cannot read the proxy's config template (${String(error)})`, {
      cause: error,
    });
  }
}

/**
 * Reads the manifests and the proxy's template and resolves what a Kubernetes backend deploys. Every row is
 * rendered once here, so that a broken template fails before any cluster work starts.
 */
export async function loadDeployConfig(
  scenario: Scenario,
  inputs: { repoRoot: string; proxyImage: string; lbbenchImage: string },
): Promise<KubeDeployConfig> {
  const templates = await readManifestTemplates(inputs.repoRoot);
  const proxyTemplate = await readProxyTemplate(inputs.repoRoot, scenario);
  const config = buildDeployConfig(scenario, {
    ...inputs,
    templates,
    proxyTemplate,
    clusterDomain: scenario.kube.clusterDomain,
  });
  for (const row of scenario.policies) {
    if (row.proxy === 'envoy') renderProxy(config, { row, seed: scenario.seed, deploymentId: 'check' });
  }
  return config;
}
