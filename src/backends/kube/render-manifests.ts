import type { V1Container, V1ObjectMeta } from '@kubernetes/client-node';
import type { LbPolicy } from 'lbbench-proxy';
import type { ProxyKind } from '../../scenario/types.js';
import { ClusterError } from '../../errors.js';
import type { ManifestTemplates } from './manifest-templates.js';
import type {
  ConfigMapManifest,
  DeploymentManifest,
  NamespaceManifest,
  Plain,
  ServiceManifest,
} from './manifest-types.js';

/** Names shared by the manifests and the code: the write-up's Service/Deployment names and env variables. */
export const NAMES = {
  app: 'myapp',
  proxy: 'myapp-envoy',
  envoyConfigMap: 'myapp-envoy-config',
  envoyConfigKey: 'envoy.yaml',
  policyEnv: 'ENVOY_LB_ALG',
  serviceEnv: 'SERVICE_NAME',
  deploymentSeqAnnotation: 'lbbench.dev/deployment-seq',
  managedByLabel: 'app.kubernetes.io/managed-by',
  managedByValue: 'lbbench',
} as const;

/** The image of the myapp pods in the write-up. */
export const DEFAULT_UPSTREAM_IMAGE = 'nginx:1.10';

/** The container port of the myapp pods and of the proxy's listener. */
export const APP_PORT = 80;

/** The proxy's admin port. */
export const ADMIN_PORT = 9901;

/** Values filled into the myapp manifests. */
export interface WorkloadValues {
  readonly namespace: string;
  readonly replicas: number;
  readonly upstreamImage: string;
}

/** The myapp objects, in the order they are applied. */
export interface WorkloadManifests {
  readonly namespace: NamespaceManifest;
  readonly configMap: ConfigMapManifest;
  readonly service: ServiceManifest;
  readonly deployment: DeploymentManifest;
}

/** Values filled into the proxy manifests for one deployment of the proxy. */
export interface ProxyValues {
  readonly namespace: string;
  readonly kind: ProxyKind;
  readonly image: string;
  readonly concurrency: number;
  readonly policy: LbPolicy;
  /** The DNS name the proxy resolves (`SERVICE_NAME`). */
  readonly serviceName: string;
  /** Bumped on every deployment so that each run gets a fresh proxy pod. */
  readonly deploymentSeq: number;
  /** Rendered Envoy config; required when `kind` is `envoy`. */
  readonly envoyConfig: string | undefined;
}

/** The proxy objects, in the order they are applied (the ConfigMap only for the real Envoy). */
export interface ProxyManifests {
  readonly configMap: ConfigMapManifest | undefined;
  readonly service: ServiceManifest;
  readonly deployment: DeploymentManifest;
}

/** One JSON Patch (RFC 6902) operation. */
export interface JsonPatchOp {
  readonly op: 'add' | 'replace' | 'test';
  readonly path: string;
  readonly value: unknown;
}

function withNamespace<T extends { metadata?: Plain<V1ObjectMeta> }>(template: T, namespace: string): T {
  const copy = structuredClone(template);
  copy.metadata = { ...copy.metadata, namespace };
  return copy;
}

function findContainer(deployment: DeploymentManifest, name: string): Plain<V1Container> {
  const container = deployment.spec?.template.spec?.containers.find((candidate) => candidate.name === name);
  if (container === undefined) {
    throw new ClusterError(`Deployment ${String(deployment.metadata?.name)}: no container named "${name}"`);
  }
  return container;
}

function setEnv(container: Plain<V1Container>, name: string, value: string): void {
  const env = container.env ?? [];
  const entry = { name, value };
  container.env = env.some((e) => e.name === name)
    ? env.map((e) => (e.name === name ? entry : e))
    : [...env, entry];
}

/** Fills the namespace, replicas and image into the myapp manifests (copies; the templates are untouched). */
export function renderWorkloadManifests(
  templates: ManifestTemplates,
  values: WorkloadValues,
): WorkloadManifests {
  const namespace = structuredClone(templates.namespace);
  namespace.metadata = { ...namespace.metadata, name: values.namespace };
  const deployment = withNamespace(templates.myappDeployment, values.namespace);
  if (deployment.spec === undefined) {
    throw new ClusterError('cluster/myapp-deployment.yaml: missing spec');
  }
  deployment.spec.replicas = values.replicas;
  findContainer(deployment, NAMES.app).image = values.upstreamImage;
  return {
    namespace,
    configMap: withNamespace(templates.myappConfigMap, values.namespace),
    service: withNamespace(templates.myappService, values.namespace),
    deployment,
  };
}

function setProxyArgs(container: Plain<V1Container>, values: ProxyValues): void {
  const args = [...(container.args ?? [])];
  const at = args.indexOf('--concurrency');
  if (at === -1) {
    args.push('--concurrency', String(values.concurrency));
  } else {
    args[at + 1] = String(values.concurrency);
  }
  container.args = args;
}

/** Fills image, policy, service name, concurrency and namespace into the proxy manifests of `values.kind`. */
export function renderProxyManifests(templates: ManifestTemplates, values: ProxyValues): ProxyManifests {
  const isEnvoy = values.kind === 'envoy';
  const deployment = withNamespace(
    isEnvoy ? templates.envoyDeployment : templates.proxyDeployment,
    values.namespace,
  );
  const container = findContainer(deployment, NAMES.proxy);
  container.image = values.image;
  setEnv(container, NAMES.policyEnv, values.policy);
  setEnv(container, NAMES.serviceEnv, values.serviceName);
  setProxyArgs(container, values);
  const podMeta = deployment.spec?.template.metadata;
  if (podMeta !== undefined) {
    podMeta.annotations = {
      ...podMeta.annotations,
      [NAMES.deploymentSeqAnnotation]: String(values.deploymentSeq),
    };
  }
  return {
    configMap: isEnvoy ? renderEnvoyConfigMap(templates, values) : undefined,
    service: withNamespace(templates.proxyService, values.namespace),
    deployment,
  };
}

function renderEnvoyConfigMap(templates: ManifestTemplates, values: ProxyValues): ConfigMapManifest {
  if (values.envoyConfig === undefined) {
    throw new ClusterError('proxy.kind envoy needs the rendered proxy/envoy-v3.yaml.tmpl');
  }
  const configMap = withNamespace(templates.envoyConfigMap, values.namespace);
  configMap.data = { ...configMap.data, [NAMES.envoyConfigKey]: values.envoyConfig };
  return configMap;
}

/** Escapes a key for use in a JSON Pointer (RFC 6901 §3: `~` → `~0`, `/` → `~1`). */
export function escapeJsonPointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The JSON Patch that switches a deployed proxy to `policy`: `test` that the env entry is still
 * ENVOY_LB_ALG, replace its value, and bump the pod annotation so that a new pod starts even when
 * the policy is unchanged (a fresh proxy per run).
 */
export function buildPolicyPatch(
  deployment: DeploymentManifest,
  policy: LbPolicy,
  deploymentSeq: number,
): JsonPatchOp[] {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const containerIndex = containers.findIndex((container) => container.name === NAMES.proxy);
  const envIndex =
    containers[containerIndex]?.env?.findIndex((entry) => entry.name === NAMES.policyEnv) ?? -1;
  if (containerIndex === -1 || envIndex === -1) {
    throw new ClusterError(
      `Deployment ${NAMES.proxy} has no container "${NAMES.proxy}" with env ${NAMES.policyEnv}`,
    );
  }
  const envPath = `/spec/template/spec/containers/${containerIndex}/env/${envIndex}`;
  return [
    { op: 'test', path: `${envPath}/name`, value: NAMES.policyEnv },
    { op: 'replace', path: `${envPath}/value`, value: policy },
    {
      op: 'add',
      path: `/spec/template/metadata/annotations/${escapeJsonPointer(NAMES.deploymentSeqAnnotation)}`,
      value: String(deploymentSeq),
    },
  ];
}

/** The JSON Patch that sets a Deployment's replica count. */
export function buildScalePatch(replicas: number): JsonPatchOp[] {
  return [{ op: 'replace', path: '/spec/replicas', value: replicas }];
}
