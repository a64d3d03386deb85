import { parse } from 'yaml';
import { ClusterError } from '../../errors.js';
import type {
  ConfigMapManifest,
  DeploymentManifest,
  NamespaceManifest,
  ServiceManifest,
} from './manifest-types.js';

/** The data files in `cluster/` that the Kubernetes backends read, by role. */
export const MANIFEST_FILES = {
  kindConfig: 'kind-config.yaml',
  namespace: 'namespace.yaml',
  myappConfigMap: 'myapp-nginx-config.yaml',
  myappService: 'myapp-service.yaml',
  myappClusterIpService: 'myapp-clusterip-service.yaml',
  myappDeployment: 'myapp-deployment.yaml',
  proxyService: 'proxy-service.yaml',
  proxyDeployment: 'proxy-deployment.yaml',
  envoyConfigMap: 'envoy-config.yaml',
  envoyDeployment: 'envoy-deployment.yaml',
} as const;

/** One of the roles in {@link MANIFEST_FILES}. */
export type ManifestRole = keyof typeof MANIFEST_FILES;

/** The parsed, not yet filled-in manifests of `cluster/`. */
export interface ManifestTemplates {
  /** kind's own `Cluster` config (kind.x-k8s.io/v1alpha4), not a Kubernetes object. */
  readonly kindConfig: Readonly<Record<string, unknown>>;
  readonly namespace: NamespaceManifest;
  readonly myappConfigMap: ConfigMapManifest;
  readonly myappService: ServiceManifest;
  /** The ClusterIP Service of the CLUSTER_IP row, in front of the same pods. */
  readonly myappClusterIpService: ServiceManifest;
  readonly myappDeployment: DeploymentManifest;
  readonly proxyService: ServiceManifest;
  readonly proxyDeployment: DeploymentManifest;
  readonly envoyConfigMap: ConfigMapManifest;
  readonly envoyDeployment: DeploymentManifest;
}

const EXPECTED: Readonly<Record<ManifestRole, { apiVersion: string; kind: string }>> = {
  kindConfig: { apiVersion: 'kind.x-k8s.io/v1alpha4', kind: 'Cluster' },
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
  myappConfigMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  myappService: { apiVersion: 'v1', kind: 'Service' },
  myappClusterIpService: { apiVersion: 'v1', kind: 'Service' },
  myappDeployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  proxyService: { apiVersion: 'v1', kind: 'Service' },
  proxyDeployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  envoyConfigMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  envoyDeployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
};

/** True when `value` is a plain object (parsed YAML mapping). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkManifest(role: ManifestRole, file: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new ClusterError(`${file}: not valid YAML (${String(error)})`, { cause: error });
  }
  const expected = EXPECTED[role];
  if (!isRecord(value) || value.apiVersion !== expected.apiVersion || value.kind !== expected.kind) {
    throw new ClusterError(
      `${file}: must be a ${expected.apiVersion} ${expected.kind}, got ${isRecord(value) ? `${String(value.apiVersion)} ${String(value.kind)}` : typeof value}`,
    );
  }
  return value;
}

/**
 * Parses the text of every `cluster/` file (keyed by role) and checks each has the expected kind.
 * `fileLabel` names a role's file in messages (e.g. `cluster/myapp-service.yaml`).
 * @throws ClusterError when a file is not YAML or not the expected kind of object.
 */
export function parseManifestTemplates(
  texts: Readonly<Record<ManifestRole, string>>,
  fileLabel: (role: ManifestRole) => string,
): ManifestTemplates {
  const parsed = (role: ManifestRole): Record<string, unknown> =>
    checkManifest(role, fileLabel(role), texts[role]);
  // Our own data files: checked for kind here, and against the Kubernetes schema in tests.
  return {
    kindConfig: parsed('kindConfig'),
    namespace: parsed('namespace'),
    myappConfigMap: parsed('myappConfigMap'),
    myappService: parsed('myappService'),
    myappClusterIpService: parsed('myappClusterIpService'),
    myappDeployment: parsed('myappDeployment'),
    proxyService: parsed('proxyService'),
    proxyDeployment: parsed('proxyDeployment'),
    envoyConfigMap: parsed('envoyConfigMap'),
    envoyDeployment: parsed('envoyDeployment'),
  };
}
