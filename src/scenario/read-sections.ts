import { PROXY_KINDS, UPSTREAM_SERVERS } from './types.js';
import type { KindSpec, KubeSpec, LoadSpec, PodOverride, ProxySpec, SimSpec, UpstreamSpec } from './types.js';
import {
  readArgv,
  readBoolean,
  readChoice,
  readDuration,
  readInteger,
  readList,
  readMapping,
  readPositiveNumber,
  readText,
} from './read-fields.js';
import { isRecord } from '../validation/is-record.js';
import { readKeysSection } from './read-keys.js';
import { BEHAVIOR_KEYS, readBehaviorFields } from './read-pod-behavior.js';
import { readHealthCheck, readOutlierDetection } from './read-resilience.js';
import { readRetries } from './read-retries.js';
import { joinPath } from '../validation/join-path.js';
import type { IssueSink } from './read-fields.js';
import { DNS_LABEL_RULE, DNS_NAME_RULE, SCENARIO_DEFAULTS, SCENARIO_LIMITS } from './scenario-defaults.js';

const PROXY_KEYS = [
  'kind',
  'concurrency',
  'dnsRefreshRate',
  'respectDnsTtl',
  'command',
  'image',
  'outlierDetection',
  'healthCheck',
  'template',
  'retries',
];
const LOAD_KEYS = ['connections', 'duration', 'warmup', 'rate', 'timeout', 'path', 'generators', 'keys'];
const UPSTREAM_KEYS = ['server', 'delay', ...BEHAVIOR_KEYS, 'pods'];
const POD_KEYS = ['index', 'delay', ...BEHAVIOR_KEYS];
const KIND_KEYS = ['clusterName', 'workers', 'reuse', 'nodeImage'];
const KUBE_KEYS = ['context', 'namespace', 'clusterDomain', 'image'];
const SIM_KEYS = ['serviceTime', 'baseServiceTime', 'requests'];
/** The fields of each section, for messages that suggest `load.connections` for a misplaced `connections`. */
export const SECTION_FIELDS: Readonly<Record<string, readonly string[]>> = {
  proxy: PROXY_KEYS,
  load: LOAD_KEYS,
  upstream: UPSTREAM_KEYS,
  kind: KIND_KEYS,
  kube: KUBE_KEYS,
  sim: SIM_KEYS,
};
const SERVICE_TIMES = ['fixed', 'exponential'] as const;
const URL_PATH_RULE = { pattern: /^\/\S*$/, description: 'a URL path starting with "/" and without spaces' };

/** Reads `proxy:`; see {@link SCENARIO_DEFAULTS} for what is filled in. */
export function readProxySection(value: unknown, issues: IssueSink): ProxySpec {
  const raw = readMapping(value, 'proxy', PROXY_KEYS, issues);
  const defaults = SCENARIO_DEFAULTS.proxy;
  return {
    kind: readChoice(raw.kind, 'proxy.kind', PROXY_KINDS, defaults.kind, issues),
    concurrency: readInteger(
      raw.concurrency,
      'proxy.concurrency',
      SCENARIO_LIMITS.concurrency,
      defaults.concurrency,
      issues,
    ),
    dnsRefreshRateMs: readDuration(
      raw.dnsRefreshRate,
      'proxy.dnsRefreshRate',
      SCENARIO_LIMITS.dnsRefreshRateMs,
      defaults.dnsRefreshRateMs,
      issues,
    ),
    respectDnsTtl: readBoolean(raw.respectDnsTtl, 'proxy.respectDnsTtl', defaults.respectDnsTtl, issues),
    command: readArgv(raw.command, 'proxy.command', issues),
    image: readText(raw.image, 'proxy.image', issues),
    outlierDetection: readOutlierDetection(raw.outlierDetection, 'proxy.outlierDetection', issues),
    healthCheck: readHealthCheck(raw.healthCheck, 'proxy.healthCheck', issues),
    template: readText(raw.template, 'proxy.template', issues),
    retries: readRetries(raw.retries, 'proxy.retries', issues),
  };
}

/** Reads `load:`; a `rate` makes the load open loop; `keys` gives every request a key header. */
export function readLoadSection(value: unknown, issues: IssueSink): LoadSpec {
  const raw = readMapping(value, 'load', LOAD_KEYS, issues);
  const defaults = SCENARIO_DEFAULTS.load;
  const limits = SCENARIO_LIMITS;
  return {
    connections: readInteger(
      raw.connections,
      'load.connections',
      limits.connections,
      defaults.connections,
      issues,
    ),
    durationMs: readDuration(raw.duration, 'load.duration', limits.durationMs, defaults.durationMs, issues),
    warmupMs: readDuration(raw.warmup, 'load.warmup', limits.warmupMs, defaults.warmupMs, issues),
    rateRps: readPositiveNumber(raw.rate, 'load.rate', 'requests per second', issues),
    timeoutMs: readDuration(raw.timeout, 'load.timeout', limits.timeoutMs, defaults.timeoutMs, issues),
    path: readText(raw.path, 'load.path', issues, URL_PATH_RULE) ?? defaults.path,
    generators: readInteger(
      raw.generators,
      'load.generators',
      limits.generators,
      defaults.generators,
      issues,
    ),
    keys: readKeysSection(raw.keys, issues),
  };
}

/** Reads `upstream:` and its per-pod overrides. */
export function readUpstreamSection(value: unknown, issues: IssueSink): UpstreamSpec {
  const raw = readMapping(value, 'upstream', UPSTREAM_KEYS, issues);
  const defaults = SCENARIO_DEFAULTS.upstream;
  const pods = readList(raw.pods, 'upstream.pods', 'mappings like { index: 0, delay: 20ms }', issues);
  const behavior = readBehaviorFields(raw, 'upstream', issues);
  return {
    server: readChoice(raw.server, 'upstream.server', UPSTREAM_SERVERS, defaults.server, issues),
    delayMs: readDuration(raw.delay, 'upstream.delay', SCENARIO_LIMITS.delayMs, defaults.delayMs, issues),
    ...behavior,
    pods: pods.map((pod, i) => readPodOverride(pod, `upstream.pods[${i}]`, issues)),
  };
}

function readPodOverride(value: unknown, path: string, issues: IssueSink): PodOverride {
  const raw = readMapping(value, path, POD_KEYS, issues);
  if (isRecord(value) && raw.index === undefined) {
    issues.push({ path: joinPath(path, 'index'), message: 'is required: the 0-based pod index' });
  }
  const settings = ['delay', ...BEHAVIOR_KEYS];
  if (isRecord(value) && settings.every((key) => raw[key] === undefined)) {
    issues.push({
      path,
      message: `must set at least one of ${settings.join(', ')} for that pod, e.g. { index: 0, delay: 20ms }`,
    });
  }
  return {
    index: readInteger(raw.index, joinPath(path, 'index'), SCENARIO_LIMITS.podIndex, 0, issues),
    ...(raw.delay === undefined
      ? {}
      : { delayMs: readDuration(raw.delay, joinPath(path, 'delay'), SCENARIO_LIMITS.delayMs, 0, issues) }),
    ...readBehaviorFields(raw, path, issues),
  };
}

/** Reads `kind:` (the kind backend's options). */
export function readKindSection(value: unknown, issues: IssueSink): KindSpec {
  const raw = readMapping(value, 'kind', KIND_KEYS, issues);
  const defaults = SCENARIO_DEFAULTS.kind;
  return {
    clusterName:
      readText(raw.clusterName, 'kind.clusterName', issues, DNS_LABEL_RULE) ?? defaults.clusterName,
    workers: readInteger(raw.workers, 'kind.workers', SCENARIO_LIMITS.kindWorkers, defaults.workers, issues),
    reuse: readBoolean(raw.reuse, 'kind.reuse', defaults.reuse, issues),
    nodeImage: readText(raw.nodeImage, 'kind.nodeImage', issues),
  };
}

/** Reads `kube:` (an existing cluster). */
export function readKubeSection(value: unknown, issues: IssueSink): KubeSpec {
  const raw = readMapping(value, 'kube', KUBE_KEYS, issues);
  return {
    context: readText(raw.context, 'kube.context', issues),
    namespace:
      readText(raw.namespace, 'kube.namespace', issues, DNS_LABEL_RULE) ?? SCENARIO_DEFAULTS.kube.namespace,
    clusterDomain:
      readText(raw.clusterDomain, 'kube.clusterDomain', issues, DNS_NAME_RULE) ??
      SCENARIO_DEFAULTS.kube.clusterDomain,
    image: readText(raw.image, 'kube.image', issues),
  };
}

/** Reads `sim:` (the simulator's options). */
export function readSimSection(value: unknown, issues: IssueSink): SimSpec {
  const raw = readMapping(value, 'sim', SIM_KEYS, issues);
  const defaults = SCENARIO_DEFAULTS.sim;
  return {
    serviceTime: readChoice(raw.serviceTime, 'sim.serviceTime', SERVICE_TIMES, defaults.serviceTime, issues),
    baseServiceTimeMs: readDuration(
      raw.baseServiceTime,
      'sim.baseServiceTime',
      SCENARIO_LIMITS.delayMs,
      defaults.baseServiceTimeMs,
      issues,
    ),
    requests:
      raw.requests === undefined
        ? undefined
        : readInteger(raw.requests, 'sim.requests', SCENARIO_LIMITS.simRequests, 0, issues),
  };
}
