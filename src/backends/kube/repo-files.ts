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
import { buildWorkloadConfig, renderProxy, type KubeWorkloadConfig } from './workload-config.js';

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
 * Reads the Envoy v3 config template (`proxy/envoy-v3.yaml.tmpl`).
 * @throws ProxyError when it is missing.
 */
async function readEnvoyTemplate(repoRoot: string): Promise<string> {
  const path = join(repoRoot, ENVOY_TEMPLATE_PATH);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ProxyError(
      `${path}: cannot read the Envoy config template needed by proxy.kind envoy (${String(error)})`,
      { cause: error },
    );
  }
}

/** Reads the manifests (and the Envoy template for `proxy.kind: envoy`) and resolves the kube layer's config. */
export async function loadWorkloadConfig(
  scenario: Scenario,
  inputs: {
    repoRoot: string;
    proxyImage: string;
    upstreamImage?: string | undefined;
    clusterDomain?: string | undefined;
  },
): Promise<KubeWorkloadConfig> {
  const templates = await readManifestTemplates(inputs.repoRoot);
  const envoyTemplate =
    scenario.proxy.kind === 'envoy' ? await readEnvoyTemplate(inputs.repoRoot) : undefined;
  const config = buildWorkloadConfig(scenario, { ...inputs, templates, envoyTemplate });
  // Render every policy once so a broken template fails here, before any cluster work starts.
  for (const policy of scenario.policies) {
    renderProxy(config, policy, 1);
  }
  return config;
}
