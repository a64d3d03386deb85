import type { V1Container, V1ObjectMeta } from '@kubernetes/client-node';
import type { LbPolicy } from 'lbbench-proxy';
import type { ProxyKind } from '../../scenario/types.js';
import { ClusterError } from '../../errors.js';
import { POD_CONTROL_PORT, podServerCommand } from './lbbench-image.js';
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
  /** The ClusterIP Service of the CLUSTER_IP row (cluster/myapp-clusterip-service.yaml). */
  clusterIpService: 'myapp-clusterip',
  proxy: 'myapp-envoy',
  envoyConfigMap: 'myapp-envoy-config',
  envoyConfigKey: 'envoy.yaml',
  policyEnv: 'ENVOY_LB_ALG',
  serviceEnv: 'SERVICE_NAME',
  deploymentAnnotation: 'lbbench.dev/deployment',
  managedByLabel: 'app.kubernetes.io/managed-by',
  managedByValue: 'lbbench',
} as const;

/** The image of the myapp pods in the write-up. */
export const DEFAULT_UPSTREAM_IMAGE = 'nginx:1.10';

/** The container port of the myapp pods and of the proxy's listener. */
export const APP_PORT = 80;

/** The proxy's admin port. */
export const ADMIN_PORT = 9901;

/** The lbbench image's pod server, which the myapp pods run when the scenario delays any of them. */
export interface PodServerValues {
  readonly image: string;
  /** The scenario's `upstream.delay`: every pod's delay until lbbench sets its own. */
  readonly delayMs: number;
}

/** Values filled into the myapp manifests. */
export interface AppValues {
  readonly namespace: string;
  readonly replicas: number;
  /** nginx:1.10 unless the pod server runs. */
  readonly upstreamImage: string;
  readonly podServer: PodServerValues | undefined;
}

/** The myapp objects, in the order they are applied. */
export interface AppManifests {
  readonly namespace: NamespaceManifest;
  readonly configMap: ConfigMapManifest;
  readonly service: ServiceManifest;
  /** The ClusterIP Service in front of the same pods: what the CLUSTER_IP row's load connects to. */
  readonly clusterIpService: ServiceManifest;
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
  /** The run's seed: `--seed` of the bundled proxy (a real Envoy takes none). */
  readonly seed: number;
  /**
   * `<invocation nonce>-<deployment number>`, in the pod template's annotation: every run gets a fresh proxy pod,
   * and a pod left by an earlier invocation (kind.reuse with --keep) never matches.
   */
  readonly deploymentId: string;
  /** The proxy's config (ConfigMap `myapp-envoy-config`): rendered for Envoy, the patched template for lbbench. */
  readonly proxyConfig: string;
}

/** The proxy objects, in the order they are applied. */
export interface ProxyManifests {
  readonly configMap: ConfigMapManifest;
  readonly service: ServiceManifest;
  readonly deployment: DeploymentManifest;
}

/** One JSON Patch (RFC 6902) operation. */
export interface JsonPatchOp {
  readonly op: 'replace';
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

function usePodServer(deployment: DeploymentManifest, podServer: PodServerValues): void {
  const container = findContainer(deployment, NAMES.app);
  container.image = podServer.image;
  container.command = [...podServerCommand(podServer.delayMs)];
  container.ports = [
    ...(container.ports ?? []),
    { name: 'control', containerPort: POD_CONTROL_PORT, protocol: 'TCP' },
  ];
  // The probe asks the control port: a delayed answer on port 80 must not make a slow pod un-Ready.
  container.readinessProbe = { httpGet: { path: '/ready', port: POD_CONTROL_PORT }, periodSeconds: 1 };
  const podSpec = deployment.spec?.template.spec;
  if (podSpec !== undefined) {
    // The image runs as uid 1000 and listens on 80, as the pods' port is the write-up's.
    podSpec.securityContext = {
      ...podSpec.securityContext,
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
    };
  }
}

/** Fills the namespace, replicas and image (or the pod server) into the myapp manifests (copies). */
export function renderAppManifests(templates: ManifestTemplates, values: AppValues): AppManifests {
  const namespace = structuredClone(templates.namespace);
  namespace.metadata = { ...namespace.metadata, name: values.namespace };
  const deployment = withNamespace(templates.myappDeployment, values.namespace);
  if (deployment.spec === undefined) {
    throw new ClusterError('cluster/myapp-deployment.yaml: missing spec');
  }
  deployment.spec.replicas = values.replicas;
  findContainer(deployment, NAMES.app).image = values.upstreamImage;
  if (values.podServer !== undefined) {
    usePodServer(deployment, values.podServer);
  }
  return {
    namespace,
    configMap: withNamespace(templates.myappConfigMap, values.namespace),
    service: withNamespace(templates.myappService, values.namespace),
    clusterIpService: withNamespace(templates.myappClusterIpService, values.namespace),
    deployment,
  };
}

function setFlag(args: string[], flag: string, value: string): void {
  const at = args.indexOf(flag);
  if (at === -1) {
    args.push(flag, value);
  } else {
    args[at + 1] = value;
  }
}

function setProxyArgs(container: Plain<V1Container>, values: ProxyValues): void {
  const args = [...(container.args ?? [])];
  setFlag(args, '--concurrency', String(values.concurrency));
  if (values.kind === 'lbbench') {
    setFlag(args, '--seed', String(values.seed >>> 0));
  }
  container.args = args;
}

/** Fills image, policy, seed, service name, concurrency, config and namespace into the proxy manifests. */
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
  if (podMeta === undefined) {
    throw new ClusterError(`Deployment ${NAMES.proxy}: missing spec.template.metadata`);
  }
  podMeta.annotations = { ...podMeta.annotations, [NAMES.deploymentAnnotation]: values.deploymentId };
  const configMap = withNamespace(templates.envoyConfigMap, values.namespace);
  configMap.data = { ...configMap.data, [NAMES.envoyConfigKey]: values.proxyConfig };
  return { configMap, service: withNamespace(templates.proxyService, values.namespace), deployment };
}

/** The JSON Patch that sets a Deployment's replica count. */
export function buildScalePatch(replicas: number): JsonPatchOp[] {
  return [{ op: 'replace', path: '/spec/replicas', value: replicas }];
}
