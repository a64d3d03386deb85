import type { InputIssue } from '../errors.js';
import { KEY_METRIC_NAMES } from '../stats/types.js';
import { formatDurationMs } from '../validation/parse-duration.js';
import type { Scenario } from './types.js';

/** Tells whether the fields under a path were read without issues, so a check never judges a filled-in default. */
export type IsPathValid = (path: string) => boolean;

interface CrossCheck {
  /** The fields the check reads; it is skipped when any of them had an issue. */
  readonly reads: readonly string[];
  readonly run: (scenario: Scenario, isPathValid: IsPathValid) => InputIssue[];
}

const CROSS_CHECKS: readonly CrossCheck[] = [
  { reads: ['replicas', 'upstream.pods'], run: checkPodOverrides },
  { reads: ['load.duration'], run: checkEventTimes },
  { reads: ['replicas'], run: checkEventPods },
  { reads: ['backend', 'proxy.command'], run: checkProxyCommand },
  {
    reads: ['policies', 'proxy.outlierDetection', 'proxy.healthCheck', 'proxy.retries'],
    run: checkResilienceReachesRows,
  },
  { reads: ['load.rate', 'load.connections'], run: checkOpenLoopRate },
  { reads: ['load.generators', 'load.connections'], run: checkGenerators },
  { reads: ['gates', 'load.keys'], run: checkKeyGates },
];

const KEY_METRIC_PATTERN = new RegExp(`\\b(${KEY_METRIC_NAMES.join('|')})\\b`, 'i');

/**
 * Checks that need several fields: pod indexes below the replica count (as scale events change it), events inside
 * the load duration, `proxy.command` only on the local backend, and an open-loop rate of at least one request per
 * second per connection, and at least one connection per load generator. (Gates are checked against the policies where they are read.)
 */
export function checkScenario(scenario: Scenario, isPathValid: IsPathValid = () => true): InputIssue[] {
  return CROSS_CHECKS.filter((check) => check.reads.every(isPathValid)).flatMap((check) =>
    check.run(scenario, isPathValid),
  );
}

function checkPodOverrides(scenario: Scenario): InputIssue[] {
  const issues: InputIssue[] = [];
  const seen = new Set<number>();
  scenario.upstream.pods.forEach((pod, i) => {
    if (pod.index >= scenario.replicas) {
      issues.push({
        path: `upstream.pods[${i}].index`,
        message: `must be below replicas (${scenario.replicas}), got ${pod.index}; pods are numbered from 0`,
      });
    }
    if (seen.has(pod.index)) {
      issues.push({ path: `upstream.pods[${i}].index`, message: `pod ${pod.index} is listed twice` });
    }
    seen.add(pod.index);
  });
  return issues;
}

// Each event field is checked on its own, so a bad time does not hide a bad pod index (every problem in one pass).
function checkEventTimes(scenario: Scenario, isPathValid: IsPathValid): InputIssue[] {
  return scenario.events.flatMap((event, i): InputIssue[] => {
    if (!isPathValid(`events[${i}].at`) || event.atMs < scenario.load.durationMs) return [];
    return [
      {
        path: `events[${i}].at`,
        message: `must be within the load duration (${formatDurationMs(scenario.load.durationMs)}), got ${formatDurationMs(event.atMs)}`,
      },
    ];
  });
}

// After a bad scale event the replica count is unknown, so later pod indexes are no longer checked.
function checkEventPods(scenario: Scenario, isPathValid: IsPathValid): InputIssue[] {
  const issues: InputIssue[] = [];
  let replicas: number | undefined = scenario.replicas;
  scenario.events.forEach((event, i) => {
    if (event.action === 'scale') {
      replicas = isPathValid(`events[${i}].scale`) ? event.replicas : undefined;
      return;
    }
    const field = event.action === 'kill' ? 'kill' : 'slow.pod';
    if (replicas === undefined || !isPathValid(`events[${i}].${field}`) || event.pod < replicas) return;
    issues.push({
      path: `events[${i}].${field}`,
      message: `must be a pod index below the ${replicas} replica(s) running at ${formatDurationMs(event.atMs)}, got ${event.pod}`,
    });
  });
  return issues;
}

function checkProxyCommand(scenario: Scenario): InputIssue[] {
  if (scenario.proxy.command === undefined || scenario.backend === 'local') return [];
  return [
    {
      path: 'proxy.command',
      message: `only works with backend local (it runs a local process), but backend is ${scenario.backend}; use proxy.image on kind or kube`,
    },
  ];
}

/**
 * `proxy.outlierDetection`, `proxy.healthCheck` and `proxy.retries` are Envoy cluster and route fields that every row
 * takes by default; the CLUSTER_IP, HAProxy and nginx rows have no Envoy config to write them into, so a
 * scenario-wide value with such a row would not apply to every row as written.
 */
function checkResilienceReachesRows(scenario: Scenario): InputIssue[] {
  const otherRows = scenario.policies.filter((row) => row.proxy !== 'envoy').map((row) => row.name);
  if (otherRows.length === 0) return [];
  const { outlierDetection, healthCheck, retries } = scenario.proxy;
  const fields = [
    outlierDetection === undefined ? undefined : 'outlierDetection',
    healthCheck === undefined ? undefined : 'healthCheck',
    retries === undefined ? undefined : 'retries',
  ].filter((field) => field !== undefined);
  return fields.map((field) => ({
    path: `proxy.${field}`,
    message: `applies to every row, but rows ${otherRows.join(', ')} are not Envoy-style proxies and have no ${field}; remove proxy.${field} and set ${field} on the Envoy rows' policy entries instead ({ policy: ROUND_ROBIN, ${field}: … })`,
  }));
}

function checkOpenLoopRate(scenario: Scenario): InputIssue[] {
  const { rateRps, connections } = scenario.load;
  if (rateRps === undefined || rateRps >= connections) return [];
  // autocannon splits the rate over connections as whole req/s; a connection given 0 would run unthrottled.
  return [
    {
      path: 'load.rate',
      message: `must be at least load.connections (${connections}) so every connection sends ≥ 1 request per second, got ${rateRps}; lower load.connections for a slower rate`,
    },
  ];
}

// A key metric has no value without keys: a gate on one could never pass, so it is refused before any run.
function checkKeyGates(scenario: Scenario): InputIssue[] {
  if (scenario.load.keys !== undefined) return [];
  return scenario.gates.flatMap((gate): InputIssue[] => {
    const metric = KEY_METRIC_PATTERN.exec(gate.expression)?.[1];
    if (metric === undefined) return [];
    return [
      {
        path: 'gates',
        message: `"${gate.expression}" uses ${metric.toLowerCase()}, which is only measured with keys; set load.keys (e.g. { header: x-user-id, count: 1000, distribution: zipf, exponent: 1.1 }) or remove the gate`,
      },
    ];
  });
}

function checkGenerators(scenario: Scenario): InputIssue[] {
  const { generators, connections } = scenario.load;
  if (generators <= connections) return [];
  // Each generator drives its share of the connections (and so of the rate, which is ≥ the connections).
  return [
    {
      path: 'load.generators',
      message: `must be at most load.connections (${connections}) so every generator drives ≥ 1 connection, got ${generators}`,
    },
  ];
}
