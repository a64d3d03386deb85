import type { LbPolicy } from 'lbbench-proxy';
import type { ProxyInfo } from '../backend.js';
import type { ProxyKind, Scenario } from '../../scenario/types.js';
import { renderEnvoyConfig } from './envoy-config.js';
import type { ManifestTemplates } from './manifest-templates.js';
import {
  DEFAULT_UPSTREAM_IMAGE,
  NAMES,
  renderProxyManifests,
  renderWorkloadManifests,
  type ProxyManifests,
  type ProxyValues,
  type WorkloadManifests,
} from './render-manifests.js';

/** Everything the kube layer deploys, resolved from the scenario and the files of the repository. */
export interface KubeWorkloadConfig {
  readonly namespace: string;
  readonly replicas: number;
  readonly upstreamImage: string;
  readonly proxy: { readonly kind: ProxyKind; readonly image: string; readonly concurrency: number };
  /** The DNS name the proxy resolves: the headless Service's FQDN. */
  readonly serviceName: string;
  readonly templates: ManifestTemplates;
  /** Text of proxy/envoy-v3.yaml.tmpl; needed when `proxy.kind` is `envoy`. */
  readonly envoyTemplate: string | undefined;
}

/** Builds the kube layer's config from a scenario and the chosen images. */
export function buildWorkloadConfig(
  scenario: Scenario,
  inputs: {
    templates: ManifestTemplates;
    envoyTemplate: string | undefined;
    proxyImage: string;
    upstreamImage?: string | undefined;
    clusterDomain?: string | undefined;
  },
): KubeWorkloadConfig {
  const namespace = scenario.kube.namespace;
  return {
    namespace,
    replicas: scenario.replicas,
    upstreamImage: inputs.upstreamImage ?? DEFAULT_UPSTREAM_IMAGE,
    proxy: { kind: scenario.proxy.kind, image: inputs.proxyImage, concurrency: scenario.proxy.concurrency },
    // The FQDN works with resolvers that ignore resolv.conf search domains (c-ares queries, Node's dns.resolve).
    serviceName: `${NAMES.app}.${namespace}.svc.${inputs.clusterDomain ?? 'cluster.local'}`,
    templates: inputs.templates,
    envoyTemplate: inputs.envoyTemplate,
  };
}

/** The myapp manifests of a config. */
export function renderWorkload(config: KubeWorkloadConfig): WorkloadManifests {
  return renderWorkloadManifests(config.templates, config);
}

/** The values of the proxy manifests for one deployment of `policy`. */
function getProxyValues(config: KubeWorkloadConfig, policy: LbPolicy, deploymentSeq: number): ProxyValues {
  const isEnvoy = config.proxy.kind === 'envoy';
  return {
    namespace: config.namespace,
    kind: config.proxy.kind,
    image: config.proxy.image,
    concurrency: config.proxy.concurrency,
    policy,
    serviceName: config.serviceName,
    deploymentSeq,
    envoyConfig:
      isEnvoy && config.envoyTemplate !== undefined
        ? renderEnvoyConfig(config.envoyTemplate, { policy, serviceName: config.serviceName })
        : undefined,
  };
}

/** The proxy manifests for one deployment of `policy`. */
export function renderProxy(
  config: KubeWorkloadConfig,
  policy: LbPolicy,
  deploymentSeq: number,
): ProxyManifests {
  return renderProxyManifests(config.templates, getProxyValues(config, policy, deploymentSeq));
}

/** What produced the numbers: the proxy kind, its image tag and the command line the container runs. */
export function describeProxy(manifests: ProxyManifests, kind: ProxyKind): ProxyInfo {
  const container = manifests.deployment.spec?.template.spec?.containers.find((c) => c.name === NAMES.proxy);
  const image = container?.image ?? '';
  const tagAt = image.lastIndexOf(':');
  const version = tagAt > image.lastIndexOf('/') ? image.slice(tagAt + 1) : 'latest';
  const argv = [...(container?.command ?? []), ...(container?.args ?? [])];
  // The container gets no --seed yet: its runs are recorded as unseeded.
  return { kind, version, command: [`image ${image}`, ...argv].join(' '), isSeeded: false };
}
