import type { HaproxyPolicy, NginxPolicy } from '../../scenario/proxy-rows.js';
import { renderHaproxyConfig } from '../other-proxies/haproxy-config.js';
import { renderNginxIncludingConfig } from '../other-proxies/nginx-balancer-config.js';
import { CONNECT_TIMEOUT_MS, IDLE_TIMEOUT_MS, RESPONSE_TIMEOUT_MS } from '../other-proxies/row-settings.js';
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { ConfigMapManifest, DeploymentManifest, Plain, ServiceManifest } from './manifest-types.js';
import { NGINX_DISCOVERY_DIR, NGINX_DISCOVERY_SCRIPT } from './nginx-discovery-script.js';
import { NAMES } from './render-manifests.js';

/** The official images the HAProxy and nginx rows run, pinned to the versions Debian 12 ships for local runs. */
export const OTHER_PROXY_IMAGES = { haproxy: 'haproxy:2.6.12', nginx: 'nginx:1.22.1' } as const;

/** Ports of the HAProxy and nginx rows' pods: traffic, and HAProxy's stats page or nginx's status server. */
export const OTHER_PROXY_PORTS = { traffic: 8080, stats: 8404 } as const;

/** The objects of one HAProxy or nginx row: its config, its Deployment (one pod) and its Service. */
export interface OtherProxyManifests {
  readonly configMap: ConfigMapManifest;
  readonly deployment: DeploymentManifest;
  readonly service: ServiceManifest;
}

/** What every row's manifests share. */
interface OtherProxyCommon {
  readonly namespace: string;
  /** The row's name, e.g. `haproxy:leastconn`, recorded as an annotation. */
  readonly row: string;
  /** The cluster's DNS domain, for the headless Service's fully qualified name. */
  readonly clusterDomain: string;
  readonly podPort: number;
  readonly concurrency: number;
  /** Changes with every run (and every nginx regeneration), so the Deployment rolls a fresh pod. */
  readonly deploymentId: string;
}

// Not `myapp-nginx`: that is the myapp pods' own nginx ConfigMap (cluster/myapp-nginx-config.yaml).
const NAME = { haproxy: 'myapp-haproxy', nginx: 'myapp-nginx-proxy' } as const;
const CONFIG_KEY = { haproxy: 'haproxy.cfg', nginx: 'nginx.conf' } as const;
const CONFIG_DIR = { haproxy: '/usr/local/etc/haproxy', nginx: '/etc/nginx' } as const;

/**
 * A HAProxy row on Kubernetes: the official image with a config whose `server-template` resolves the headless
 * Service through the cluster DNS (`parse-resolv-conf`; HAProxy applies no search domains, so the name is fully
 * qualified).
 */
export function renderHaproxyManifests(
  values: OtherProxyCommon & {
    readonly policy: HaproxyPolicy;
    readonly slots: number;
    readonly dnsRefreshRateMs: number;
  },
): OtherProxyManifests {
  const config = renderHaproxyConfig({
    policy: values.policy,
    listen: { host: '0.0.0.0', port: OTHER_PROXY_PORTS.traffic },
    stats: { host: '0.0.0.0', port: OTHER_PROXY_PORTS.stats },
    serviceName: `${NAMES.app}.${values.namespace}.svc.${values.clusterDomain}`,
    podPort: values.podPort,
    hostHeader: NAMES.app,
    resolvers: { kind: 'resolv-conf' },
    slots: values.slots,
    dnsRefreshRateMs: values.dnsRefreshRateMs,
    threads: values.concurrency,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    responseTimeoutMs: RESPONSE_TIMEOUT_MS,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
  });
  return renderManifests('haproxy', values, config, NO_EXTRAS);
}

/**
 * An nginx row on Kubernetes: the official image with an upstream that lists the Ready pods' IPs. nginx OSS does
 * not re-resolve an upstream's name, so the pod runs a discovery loop (`nginx-discovery-script.ts`) that
 * re-resolves the headless Service every `dnsRefreshRateMs` (the refresh of the Envoy rows and HAProxy) and
 * regenerates the upstream and reloads nginx (`nginx -s reload`) when the pods change.
 */
export function renderNginxManifests(
  values: OtherProxyCommon & { readonly policy: NginxPolicy; readonly dnsRefreshRateMs: number },
): OtherProxyManifests {
  const config = renderNginxIncludingConfig({
    policy: values.policy,
    includeDir: NGINX_DISCOVERY_DIR,
    listen: { host: '0.0.0.0', port: OTHER_PROXY_PORTS.traffic },
    status: { host: '0.0.0.0', port: OTHER_PROXY_PORTS.stats },
    hostHeader: NAMES.app,
    workers: values.concurrency,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    responseTimeoutMs: RESPONSE_TIMEOUT_MS,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    runDir: undefined,
    errorLog: 'stderr',
  });
  const serviceName = `${NAMES.app}.${values.namespace}.svc.${values.clusterDomain}`;
  const scriptPath = `${DISCOVERY_SCRIPT_DIR}/${DISCOVERY_SCRIPT_KEY}`;
  return renderManifests('nginx', values, config, {
    files: { [DISCOVERY_SCRIPT_KEY]: NGINX_DISCOVERY_SCRIPT },
    command: ['/bin/sh', scriptPath],
    args: [serviceName, String(values.podPort), formatSeconds(values.dnsRefreshRateMs)],
    mounts: [
      { name: 'config', mountPath: scriptPath, subPath: DISCOVERY_SCRIPT_KEY },
      { name: 'discovery', mountPath: NGINX_DISCOVERY_DIR },
    ],
    volumes: [{ name: 'discovery', emptyDir: {} }],
  });
}

const DISCOVERY_SCRIPT_DIR = '/usr/local/lib/lbbench';
const DISCOVERY_SCRIPT_KEY = 'discover.sh';

/** `sleep`'s argument for an interval: seconds with up to three decimals (GNU sleep takes fractions). */
function formatSeconds(ms: number): string {
  return String(Math.max(ms, 1) / 1000);
}

type Volume = Plain<V1Volume>;
type VolumeMount = Plain<V1VolumeMount>;

/** What a row's pod has beyond its config file: more ConfigMap files, its own command, mounts and volumes. */
interface PodExtras {
  readonly files: Readonly<Record<string, string>>;
  readonly command: readonly string[] | undefined;
  readonly args: readonly string[] | undefined;
  readonly mounts: readonly VolumeMount[];
  readonly volumes: readonly Volume[];
}

const NO_EXTRAS: PodExtras = { files: {}, command: undefined, args: undefined, mounts: [], volumes: [] };

function renderManifests(
  proxy: 'haproxy' | 'nginx',
  values: OtherProxyCommon,
  config: string,
  extras: PodExtras,
): OtherProxyManifests {
  const name = NAME[proxy];
  const labels = { app: name, [NAMES.managedByLabel]: NAMES.managedByValue };
  const metadata = { name, namespace: values.namespace, labels };
  return {
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata,
      data: { [CONFIG_KEY[proxy]]: config, ...extras.files },
    },
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: name } },
        template: {
          metadata: {
            labels: { app: name },
            annotations: { [NAMES.deploymentAnnotation]: values.deploymentId, 'lbbench.dev/row': values.row },
          },
          spec: {
            terminationGracePeriodSeconds: 2,
            containers: [
              {
                name,
                image: OTHER_PROXY_IMAGES[proxy],
                ...(extras.command === undefined ? {} : { command: [...extras.command] }),
                ...(extras.args === undefined ? {} : { args: [...extras.args] }),
                ports: [
                  { name: 'http', containerPort: OTHER_PROXY_PORTS.traffic },
                  { name: 'stats', containerPort: OTHER_PROXY_PORTS.stats },
                ],
                readinessProbe: { tcpSocket: { port: OTHER_PROXY_PORTS.traffic }, periodSeconds: 1 },
                volumeMounts: [
                  {
                    name: 'config',
                    mountPath: `${CONFIG_DIR[proxy]}/${CONFIG_KEY[proxy]}`,
                    subPath: CONFIG_KEY[proxy],
                  },
                  ...extras.mounts,
                ],
              },
            ],
            volumes: [{ name: 'config', configMap: { name } }, ...extras.volumes],
          },
        },
      },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        selector: { app: name },
        ports: [
          { name: 'http', port: OTHER_PROXY_PORTS.traffic, targetPort: 'http' },
          { name: 'stats', port: OTHER_PROXY_PORTS.stats, targetPort: 'stats' },
        ],
      },
    },
  };
}
