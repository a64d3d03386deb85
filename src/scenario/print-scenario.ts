import { stringify } from 'yaml';
import { parseGate } from '../gates/parse-gate.js';
import type { BehaviorFields } from './read-pod-behavior.js';
import { formatOtherProxyRowName } from './proxy-rows.js';
import type {
  GateSpec,
  HealthCheckSpec,
  LatencySpec,
  OutlierDetectionSpec,
  PolicyEntry,
  RetrySettings,
  Scenario,
  ScenarioEvent,
} from './types.js';

const UNITS: readonly (readonly [string, number])[] = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** Writes ms as the scenario language's duration: the largest whole unit, e.g. `10s`, `2m`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const unit = UNITS.find(([, size]) => ms % size === 0);
  return unit === undefined ? `${ms}ms` : `${ms / unit[1]}${unit[0]}`;
}

/** `healthCheck` as written. */
function printHealthCheck(spec: HealthCheckSpec | undefined): Record<string, unknown> | undefined {
  if (spec === undefined) return undefined;
  return {
    interval: formatDuration(spec.intervalMs),
    timeout: formatDuration(spec.timeoutMs),
    unhealthyThreshold: spec.unhealthyThreshold,
    healthyThreshold: spec.healthyThreshold,
    path: spec.path,
  };
}

/** `retries` as written (every field: the reader filled Envoy's defaults in). */
function printRetries(spec: RetrySettings | undefined): Record<string, unknown> | undefined {
  if (spec === undefined) return undefined;
  return compact({
    retryOn: [...spec.retryOn],
    numRetries: spec.numRetries,
    perTryTimeout: spec.perTryTimeoutMs === undefined ? undefined : formatDuration(spec.perTryTimeoutMs),
    previousHosts: spec.previousHosts,
    hostSelectionRetryMaxAttempts: spec.hostSelectionRetryMaxAttempts,
  });
}

/** `outlierDetection` as written: only the fields the scenario set. */
function printOutlierDetection(spec: OutlierDetectionSpec | undefined): Record<string, unknown> | undefined {
  if (spec === undefined) return undefined;
  const duration = (ms: number | undefined): string | undefined =>
    ms === undefined ? undefined : formatDuration(ms);
  return compact({
    consecutive5xx: spec.consecutive5xx,
    consecutiveGatewayFailure: spec.consecutiveGatewayFailure,
    interval: duration(spec.intervalMs),
    baseEjectionTime: duration(spec.baseEjectionTimeMs),
    maxEjectionTime: duration(spec.maxEjectionTimeMs),
    maxEjectionPercent: spec.maxEjectionPercent,
    successRate: spec.successRate === undefined ? undefined : compact({ ...spec.successRate }),
  });
}

function printEvent(event: ScenarioEvent): Record<string, unknown> {
  const at = formatDuration(event.atMs);
  switch (event.action) {
    case 'scale':
      return { at, scale: event.replicas };
    case 'kill':
      return { at, kill: event.pod };
    case 'slow':
      return { at, slow: { pod: event.pod, delay: formatDuration(event.delayMs) } };
    default:
      return { at, [event.action]: event.pod };
  }
}

// A gate whose text carries its own `ROW:` prefix (or applies to every row) is written as that string;
// one from a `{ row, assert }` group goes back into such a group, so the text reads back unchanged.
function printGate(spec: GateSpec): unknown {
  const hasOwnPrefix = parseGate(spec).text === spec.expression.trim();
  if (spec.row === '*' || hasOwnPrefix) return spec.expression;
  return { row: spec.row, assert: [spec.expression] };
}

// A row with its policy's name and Envoy's defaults is written as the bare name; any other as an entry object.
function printPolicyEntry(row: PolicyEntry): unknown {
  if (row.proxy === 'cluster-ip') return row.name;
  if (row.proxy !== 'envoy') {
    const isDefaultName = row.name === formatOtherProxyRowName(row.proxy, row.policy);
    return compact({ proxy: row.proxy, policy: row.policy, name: isDefaultName ? undefined : row.name });
  }
  const {
    choiceCount,
    activeRequestBias,
    minimumRingSize,
    slowStart,
    outlierDetection,
    healthCheck,
    retries,
  } = row.settings;
  const entry = compact({
    policy: row.policy,
    name: row.name === row.policy ? undefined : row.name,
    choiceCount,
    activeRequestBias,
    minimumRingSize,
    slowStart:
      slowStart === undefined
        ? undefined
        : {
            window: formatDuration(slowStart.windowMs),
            aggression: slowStart.aggression,
            minWeightPercent: slowStart.minWeightPercent,
          },
    outlierDetection: outlierDetection === false ? false : printOutlierDetection(outlierDetection),
    healthCheck: healthCheck === false ? false : printHealthCheck(healthCheck),
    retries: retries === false ? false : printRetries(retries),
  });
  return Object.keys(entry).length === 1 ? row.policy : entry;
}

function printBehavior(fields: BehaviorFields): Record<string, unknown> {
  return compact({
    capacity: fields.capacity,
    latency: fields.latency === undefined ? undefined : printLatency(fields.latency),
    errorRate: fields.errorRate,
  });
}

function printLatency(latency: LatencySpec): Record<string, unknown> {
  switch (latency.distribution) {
    case 'fixed':
      return { distribution: 'fixed', value: formatDuration(latency.valueMs) };
    case 'exponential':
      return { distribution: 'exponential', p50: formatDuration(latency.p50Ms) };
    case 'lognormal':
      return {
        distribution: 'lognormal',
        p50: formatDuration(latency.p50Ms),
        p99: formatDuration(latency.p99Ms),
      };
  }
}

/** Drops the keys whose value is undefined: an absent optional field is how the language says "not set". */
function compact(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * The scenario in the scenario file language with every default filled in: saved to a file, it validates to the
 * same scenario (only `sourcePath` differs, and gates given with `--gate` become the file's own).
 */
export function printScenario(scenario: Scenario): string {
  const { proxy, load, upstream, kind, kube, sim } = scenario;
  const document = {
    name: scenario.name,
    description: scenario.description,
    backend: scenario.backend,
    replicas: scenario.replicas,
    policies: scenario.policies.map(printPolicyEntry),
    repetitions: scenario.repetitions,
    seed: scenario.seed,
    proxy: compact({
      kind: proxy.kind,
      concurrency: proxy.concurrency,
      dnsRefreshRate: formatDuration(proxy.dnsRefreshRateMs),
      respectDnsTtl: proxy.respectDnsTtl,
      command: proxy.command === undefined ? undefined : [...proxy.command],
      image: proxy.image,
      outlierDetection: printOutlierDetection(proxy.outlierDetection),
      healthCheck: printHealthCheck(proxy.healthCheck),
      template: proxy.template,
      retries: printRetries(proxy.retries),
    }),
    load: compact({
      connections: load.connections,
      duration: formatDuration(load.durationMs),
      warmup: formatDuration(load.warmupMs),
      rate: load.rateRps,
      timeout: formatDuration(load.timeoutMs),
      path: load.path,
      keys:
        load.keys === undefined
          ? undefined
          : compact({
              header: load.keys.header,
              count: load.keys.count,
              distribution: load.keys.distribution,
              exponent: load.keys.exponent,
            }),
    }),
    upstream: {
      server: upstream.server,
      delay: formatDuration(upstream.delayMs),
      ...printBehavior(upstream),
      pods: upstream.pods.map((pod) =>
        compact({
          index: pod.index,
          delay: pod.delayMs === undefined ? undefined : formatDuration(pod.delayMs),
          ...printBehavior(pod),
        }),
      ),
    },
    events: scenario.events.map(printEvent),
    gates: scenario.gates.map(printGate),
    kind: compact({
      clusterName: kind.clusterName,
      workers: kind.workers,
      reuse: kind.reuse,
      nodeImage: kind.nodeImage,
    }),
    kube: compact({ context: kube.context, namespace: kube.namespace }),
    sim: compact({
      serviceTime: sim.serviceTime,
      baseServiceTime: formatDuration(sim.baseServiceTimeMs),
      requests: sim.requests,
    }),
  };
  return stringify(document, { lineWidth: 0 });
}
