import type { PolicyEntry, ProxyKind, Scenario } from '../../scenario/types.js';
import { requireEnvoyRow } from '../../scenario/envoy-row.js';
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
  /** The pod server, when the scenario delays any pod (`upstream.delay`, `upstream.pods`, `slow` events). */
  readonly podServer: PodServerValues | undefined;
  /** Each pod's delay at the start of a run, by index; pods not listed get `podServer.delayMs`. */
  readonly podDelaysMs: ReadonlyMap<number, number>;
  readonly proxy: { readonly kind: ProxyKind; readonly image: string; readonly concurrency: number };
  readonly dns: DnsSettings;
  /** The DNS name the proxy resolves: the headless Service's FQDN. */
  readonly serviceName: string;
  /** The cluster's DNS domain (`kube.clusterDomain`). */
  readonly clusterDomain: string;
  readonly templates: ManifestTemplates;
  /** The proxy's config template and the file it came from. */
  readonly proxyTemplate: { readonly text: string; readonly file: string };
}

/** Whether the myapp pods must run the lbbench image's pod server instead of nginx:1.10 (which cannot delay). */
export function needsPodServer(scenario: Scenario): boolean {
  return (
    scenario.upstream.server === 'node' ||
    scenario.upstream.delayMs > 0 ||
    scenario.upstream.pods.length > 0 ||
    scenario.events.some((event) => event.action === 'slow')
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
    podDelaysMs: new Map(scenario.upstream.pods.map((pod) => [pod.index, pod.delayMs])),
    proxy: { kind: scenario.proxy.kind, image: inputs.proxyImage, concurrency: scenario.proxy.concurrency },
    dns: { dnsRefreshRateMs: scenario.proxy.dnsRefreshRateMs, respectDnsTtl: scenario.proxy.respectDnsTtl },
    // The FQDN works with resolvers that ignore resolv.conf search domains (c-ares queries, Node's dns.resolve).
    serviceName: `${NAMES.app}.${namespace}.svc.${inputs.clusterDomain}`,
    clusterDomain: inputs.clusterDomain,
    templates: inputs.templates,
    proxyTemplate: inputs.proxyTemplate,
  };
}

/** The delay pod `index` starts each run with. */
export function getInitialDelayMs(config: KubeDeployConfig, index: number): number {
  return config.podDelaysMs.get(index) ?? config.podServer?.delayMs ?? 0;
}

/** The myapp manifests of a config. */
export function renderApp(config: KubeDeployConfig): AppManifests {
  return renderAppManifests(config.templates, config);
}

/** The proxy manifests of one run: its row, seed and deployment id. */
export function renderProxy(
  config: KubeDeployConfig,
  run: { readonly row: PolicyEntry; readonly seed: number; readonly deploymentId: string },
): ProxyManifests {
  return renderProxyManifests(config.templates, {
    namespace: config.namespace,
    kind: config.proxy.kind,
    image: config.proxy.image,
    concurrency: config.proxy.concurrency,
    policy: requireEnvoyRow(run.row).policy,
    serviceName: config.serviceName,
    seed: run.seed,
    deploymentId: run.deploymentId,
    proxyConfig: renderProxyConfig(config.proxyTemplate, {
      ...config.dns,
      row: run.row,
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
