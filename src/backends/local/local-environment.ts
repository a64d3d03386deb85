import type { UpstreamServerChoice } from '../../scenario/types.js';
import type { BackendEnvironment, ProxyInfo } from '../backend.js';
import type { PodServerKind } from './upstream-server.js';

/** What the local backend knows about itself when asked. */
export interface LocalEnvironmentFacts {
  readonly choice: UpstreamServerChoice;
  /** e.g. `nginx/1.22.1`, or undefined when nginx was not found or not looked for. */
  readonly nginxVersion: string | undefined;
  readonly usedServers: ReadonlySet<PodServerKind>;
  readonly nodePodNames: readonly string[];
  readonly podPort: number | undefined;
  readonly dnsServer: string | undefined;
  readonly dnsTtlSeconds: number;
  readonly serviceName: string;
  readonly lastProxy: ProxyInfo | undefined;
  /** `process.version` of the harness (and of the Node pods). */
  readonly nodeVersion: string;
}

const NODE_PODS_NOTE =
  'nginx cannot delay responses, queue on a capacity, sample a latency, answer errors, fail or hang, so pods ' +
  'with any of these (upstream or pod overrides, slow/fail/hang/recover events) run the built-in Node server';

/** Describes the local backend for results.json: the pod servers (and why Node pods ran), DNS, ports, proxy. */
export function describeLocalEnvironment(facts: LocalEnvironmentFacts): BackendEnvironment {
  const servers = [
    ...(facts.usedServers.has('nginx') ? [facts.nginxVersion ?? 'nginx'] : []),
    ...(facts.usedServers.has('node') ? ['node-builtin'] : []),
  ];
  const name = facts.serviceName;
  const details: Record<string, string> = {
    upstreamChoice: facts.choice,
    podAddresses: `127.0.x.y:${facts.podPort ?? '?'} (one loopback address per pod)`,
    dnsServer:
      facts.dnsServer === undefined ? 'stopped' : `${facts.dnsServer} (TTL ${facts.dnsTtlSeconds} s)`,
    serviceNames: `${name}, ${name}.default, ${name}.default.svc.cluster.local`,
    node: facts.nodeVersion,
  };
  const nodePodsNote = describeNodePods(facts);
  if (nodePodsNote !== undefined) {
    details.nodePods = nodePodsNote;
  }
  if (facts.lastProxy !== undefined) {
    details.proxy = `${facts.lastProxy.version} (${facts.lastProxy.command})`;
  }
  return { backend: 'local', upstreamServer: servers.length === 0 ? 'none' : servers.join(' + '), details };
}

function describeNodePods(facts: LocalEnvironmentFacts): string | undefined {
  if (facts.nodePodNames.length === 0 || facts.choice === 'node') {
    return undefined;
  }
  if (facts.nginxVersion === undefined) {
    return 'all pods (nginx not found on PATH or in /usr/sbin)';
  }
  return `${facts.nodePodNames.join(', ')}: ${NODE_PODS_NOTE}`;
}
