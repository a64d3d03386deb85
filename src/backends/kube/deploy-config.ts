import { derivePodSeed, listBehaviorFields, resolvePodBehavior } from '../../scenario/pod-behavior.js';
import type { EnvoyPolicyEntry, ProxyKind, Scenario, UpstreamSpec } from '../../scenario/types.js';
import type { PodSettings } from '../local/pod-settings.js';
import type { ProxyInfo } from '../backend.js';
import type { ManifestTemplates } from './manifest-templates.js';
import { renderProxyConfig, type DnsSettings } from './proxy-config.js';
import {
  DEFAULT_UPSTREAM_IMAGE,
  NAMES,
  renderAppManifests,
  renderProxyManifests,
  type AppManifests,
  type PodServerValues,
  type ProxyManifests,
} from './render-manifests.js';

/** Everything a Kubernetes backend deploys, resolved from the scenario, the images and the package's files. */
export interface KubeDeployConfig {
  readonly namespace: string;
  readonly replicas: number;
  /** nginx:1.10, or the lbbench image when the pod server runs. */
  readonly upstreamImage: string;
  /**
   * The pod server, when the scenario delays any pod or gives it a behaviour nginx cannot (`upstream.delay`,
   * `upstream.pods`, capacity, latency, error rate, `slow`/`fail`/`hang`/`recover` events).
   */
  readonly podServer: PodServerValues | undefined;
  /** The scenario's pods and seed: each pod's settings at the start of a run come from them, by index. */
  readonly upstream: UpstreamSpec;
  readonly seed: number;
  readonly proxy: { readonly kind: ProxyKind; readonly image: string; readonly concurrency: number };
  readonly dns: DnsSettings;
  /** The DNS name the proxy resolves: the headless Service's FQDN. */
  readonly serviceName: string;
  /** The cluster's DNS domain (`kube.clusterDomain`). */
  readonly clusterDomain: string;
  readonly templates: ManifestTemplates;
  /** The proxy's config template and the file it came from. */
  readonly proxyTemplate: { readonly text: string; readonly file: string };
  /** The scenario, whose scenario-wide settings each row's config may take. */
  readonly scenario: Scenario;
}

/**
 * Whether the myapp pods must run the lbbench image's pod server instead of nginx:1.10, which cannot delay, queue
 * on a capacity, sample a latency, answer errors, fail or hang.
 */
export function needsPodServer(scenario: Scenario): boolean {
  return (
    scenario.upstream.server === 'node' ||
    scenario.upstream.delayMs > 0 ||
    scenario.upstream.pods.length > 0 ||
    scenario.upstream.latency !== undefined ||
    scenario.events.some((event) => event.action === 'slow') ||
    listBehaviorFields(scenario).length > 0
  );
}

/** Builds a backend's deploy config from a scenario, the images and the files read from the package. */
export function buildDeployConfig(
  scenario: Scenario,
  inputs: {
    templates: ManifestTemplates;
    proxyTemplate: { text: string; file: string };
    proxyImage: string;
    lbbenchImage: string;
    clusterDomain: string;
  },
): KubeDeployConfig {
  const namespace = scenario.kube.namespace;
  const podServer = needsPodServer(scenario)
    ? { image: inputs.lbbenchImage, delayMs: scenario.upstream.delayMs }
    : undefined;
  return {
    namespace,
    replicas: scenario.replicas,
    upstreamImage: podServer?.image ?? DEFAULT_UPSTREAM_IMAGE,
    podServer,
    upstream: scenario.upstream,
    seed: scenario.seed,
    proxy: { kind: scenario.proxy.kind, image: inputs.proxyImage, concurrency: scenario.proxy.concurrency },
    dns: { dnsRefreshRateMs: scenario.proxy.dnsRefreshRateMs, respectDnsTtl: scenario.proxy.respectDnsTtl },
    // The FQDN works with resolvers that ignore resolv.conf search domains (c-ares queries, Node's dns.resolve).
    serviceName: `${NAMES.app}.${namespace}.svc.${inputs.clusterDomain}`,
    clusterDomain: inputs.clusterDomain,
    templates: inputs.templates,
    proxyTemplate: inputs.proxyTemplate,
    scenario,
  };
}

/** The settings pod `index` starts each run with: its behaviour, and its seed from the scenario's. */
export function getInitialSettings(config: KubeDeployConfig, index: number): PodSettings {
  return { behavior: resolvePodBehavior(config.upstream, index), seed: derivePodSeed(config.seed, index) };
}

/** The myapp manifests of a config. */
export function renderApp(config: KubeDeployConfig): AppManifests {
  return renderAppManifests(config.templates, config);
}

/** The proxy manifests of one run: its row, seed and deployment id. */
export function renderProxy(
  config: KubeDeployConfig,
  run: { readonly row: EnvoyPolicyEntry; readonly seed: number; readonly deploymentId: string },
): ProxyManifests {
  return renderProxyManifests(config.templates, {
    namespace: config.namespace,
    kind: config.proxy.kind,
    image: config.proxy.image,
    concurrency: config.proxy.concurrency,
    policy: run.row.policy,
    serviceName: config.serviceName,
    seed: run.seed,
    deploymentId: run.deploymentId,
    proxyConfig: renderProxyConfig(config.proxyTemplate, {
      ...config.dns,
      row: run.row,
      scenario: config.scenario,
      serviceName: config.serviceName,
    }),
  });
}

/** What produced the numbers: the proxy kind, its image tag, the command line, and whether it took the seed. */
export function describeProxy(manifests: ProxyManifests, kind: ProxyKind): ProxyInfo {
  const container = manifests.deployment.spec?.template.spec?.containers.find((c) => c.name === NAMES.proxy);
  const image = container?.image ?? '';
  const tagAt = image.lastIndexOf(':');
  const version = tagAt > image.lastIndexOf('/') ? image.slice(tagAt + 1) : 'latest';
  const argv = [...(container?.command ?? []), ...(container?.args ?? [])];
  return { kind, version, command: [`image ${image}`, ...argv].join(' '), isSeeded: kind === 'lbbench' };
}
