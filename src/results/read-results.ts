import { readFile } from 'node:fs/promises';
import { COUNTER_SOURCE_KINDS } from '../backends/backend.js';
import { ResultsFileError } from '../errors.js';
import { checkEntryPolicy, POLICIES_BY_ENTRY_PROXY } from './check-entry-policies.js';
import { GATE_OPERATORS } from '../gates/types.js';
import { ENTRY_PROXIES } from '../scenario/read-policy-entry.js';
import { BACKEND_KINDS, FAULT_ACTIONS, PROXY_KINDS, UPSTREAM_SERVERS } from '../scenario/types.js';
import { EVENT_METRIC_NAMES, KEY_METRIC_NAMES, METRIC_NAMES } from '../stats/types.js';
import type { MetricName } from '../stats/types.js';
import { RESULTS_SCHEMA_VERSION, type ResultsFile } from './types.js';
import { UPGRADABLE_SCHEMA_VERSIONS, upgradeResults } from './upgrade-results.js';
import { describeValue } from '../validation/describe-value.js';
import { isRecord } from '../validation/is-record.js';
import { joinPath } from '../validation/join-path.js';

/**
 * The expected shape of a JSON value. `number` also accepts null (how JSON writes NaN/Infinity) and reads it
 * back as NaN; `optional` accepts a missing key or null and reads it back as undefined; `nullable` keeps null;
 * `optional number` is a number (null read back as NaN) or a missing key.
 */
type Shape =
  | 'string'
  | 'number'
  | 'optional number'
  | 'boolean'
  | { readonly optional: Shape }
  | { readonly nullable: Shape }
  | { readonly oneOf: readonly (string | number)[] }
  | { readonly arrayOf: Shape }
  | { readonly recordOf: Shape }
  | { readonly fields: Readonly<Record<string, Shape>> };

interface Issue {
  readonly path: string;
  readonly message: string;
}

const MAX_ISSUES = 10;

const numbers = (...names: readonly string[]): Record<string, Shape> =>
  Object.fromEntries(names.map((name) => [name, 'number' as const]));
const fields = (shape: Readonly<Record<string, Shape>>): Shape => ({ fields: shape });
const optional = (shape: Shape): Shape => ({ optional: shape });
const nullable = (shape: Shape): Shape => ({ nullable: shape });
const arrayOf = (shape: Shape): Shape => ({ arrayOf: shape });
const oneOf = (values: readonly (string | number)[]): Shape => ({ oneOf: values });

const LATENCY = fields(
  numbers('minMs', 'meanMs', 'p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs', 'resolutionMs'),
);
/** Metrics added after schema version 1 first shipped: results written before them still read, without them. */
const LATER_METRICS: ReadonlySet<MetricName> = new Set([
  'achieved_rate_ratio',
  'rate_jain',
  'rate_cv',
  ...EVENT_METRIC_NAMES,
  ...KEY_METRIC_NAMES,
]);
const METRICS = fields(
  Object.fromEntries(
    METRIC_NAMES.map((name) => [name, LATER_METRICS.has(name) ? 'optional number' : 'number']),
  ),
);
const METRIC_SUMMARY = fields({
  median: 'number',
  values: arrayOf('number'),
  ci: fields(numbers('level', 'low', 'high')),
});
/** Every scenario event action, the pod faults included. */
const EVENT_ACTIONS = ['scale', 'kill', 'slow', ...FAULT_ACTIONS];
const EVENT_FIGURES = fields({
  action: oneOf(EVENT_ACTIONS),
  atMs: 'number',
  note: 'string',
  isScaleUp: optional('boolean'),
  newHosts: optional(arrayOf('string')),
  host: optional('string'),
  ...Object.fromEntries(
    ['convergenceMs', 'removedTrafficMs', 'errorsAfterKill', 'shareBefore', 'shareAfter'].map((name) => [
      name,
      'optional number',
    ]),
  ),
});

/** A policy entry (a row) as `PolicyEntry` records it. */
const POLICY_ENTRY = fields({
  name: 'string',
  proxy: oneOf(ENTRY_PROXIES),
  // Any row's policy (each proxy's own spelling); checkEntryPolicy then checks it against the row's proxy.
  policy: oneOf(Object.values(POLICIES_BY_ENTRY_PROXY).flat()),
  // Absent on the CLUSTER_IP, HAProxy and nginx rows, which take no Envoy settings.
  settings: optional(
    fields({
      choiceCount: optional('number'),
      activeRequestBias: optional('number'),
      minimumRingSize: optional('number'),
      slowStart: optional(fields(numbers('windowMs', 'aggression', 'minWeightPercent'))),
    }),
  ),
});

const RUN = fields({
  row: 'string',
  entry: POLICY_ENTRY,
  repetition: 'number',
  seed: nullable('number'),
  initialPods: arrayOf(fields({ name: 'string', address: 'string' })),
  source: oneOf(['live', 'sim']),
  proxy: fields({
    kind: 'string',
    version: 'string',
    command: 'string',
    isSeeded: 'boolean',
    podDiscovery: optional('string'),
  }),
  counterSource: optional(oneOf(COUNTER_SOURCE_KINDS)),
  configReloads: optional(arrayOf(fields({ changedAt: 'string', servers: 'number', lagMs: 'number' }))),
  startedAt: 'string',
  hosts: arrayOf(
    fields({
      address: 'string',
      pod: optional('string'),
      delta: fields(
        numbers('rq_total', 'rq_success', 'rq_error', 'rq_timeout', 'cx_total', 'cx_connect_fail'),
      ),
      presentAtStart: 'boolean',
      presentAtEnd: 'boolean',
      clientResponses: 'number',
    }),
  ),
  timeline: arrayOf(fields({ tMs: 'number', rqTotal: { recordOf: 'number' } })),
  load: fields({
    mode: oneOf(['closed', 'open']),
    rateRps: optional('number'),
    ...numbers('connections', 'durationMs', 'warmupMs', 'requestsSent', 'responses', 'status2xx', 'non2xx'),
    ...numbers('errors', 'timeouts', 'rps', 'latencySamples', 'untallied'),
    latency: LATENCY,
    podTally: { recordOf: 'number' },
    generator: 'string',
    ticks: optional(
      arrayOf(fields({ ...numbers('tMs', 'responses', 'errors'), byPod: optional({ recordOf: 'number' }) })),
    ),
    client: optional(
      fields({
        path: oneOf(['local-process', 'in-cluster-job']),
        ...numbers('generators', 'startSpreadMs'),
        latencyHistogramUs: 'string',
      }),
    ),
  }),
  crossCheck: fields({
    counters: optional(oneOf(COUNTER_SOURCE_KINDS)),
    proxyRqTotal: optional('number'),
    proxyRqSuccess: optional('number'),
    ...numbers('client2xx', 'clientHeaderTally'),
    isConsistent: 'boolean',
    notes: arrayOf('string'),
  }),
  events: arrayOf(
    fields({
      atMs: 'number',
      action: oneOf(EVENT_ACTIONS),
      appliedAtMs: 'number',
      detail: 'string',
      podName: optional('string'),
    }),
  ),
  eventFigures: optional(arrayOf(EVENT_FIGURES)),
  distribution: fields({
    ...numbers('pods', 'total', 'mean', 'stddev', 'cv', 'jain', 'maxOverMean', 'minOverMean', 'zeroHitPods'),
    ...numbers('chi2', 'chi2PValue', 'nullCv', 'cvOverNull'),
    shares: arrayOf('number'),
  }),
  metrics: METRICS,
});

const SCENARIO = fields({
  name: 'string',
  description: 'string',
  sourcePath: 'string',
  backend: oneOf(BACKEND_KINDS),
  policies: arrayOf(POLICY_ENTRY),
  ...numbers('replicas', 'repetitions', 'seed'),
  proxy: fields({
    kind: oneOf(PROXY_KINDS),
    ...numbers('concurrency', 'dnsRefreshRateMs'),
    respectDnsTtl: 'boolean',
    command: optional(arrayOf('string')),
    image: optional('string'),
    template: optional('string'),
  }),
  load: fields({
    ...numbers('connections', 'durationMs', 'warmupMs', 'timeoutMs'),
    rateRps: optional('number'),
    path: 'string',
    generators: optional('number'),
  }),
  upstream: fields({
    server: oneOf(UPSTREAM_SERVERS),
    delayMs: 'number',
    pods: arrayOf(fields(numbers('index', 'delayMs'))),
  }),
  events: arrayOf(fields({ atMs: 'number', action: oneOf(EVENT_ACTIONS) })),
  gates: arrayOf(
    fields({
      row: 'string',
      expression: 'string',
      origin: oneOf(['scenario', 'cli']),
    }),
  ),
  kind: fields({ clusterName: 'string', workers: 'number', reuse: 'boolean', nodeImage: optional('string') }),
  kube: fields({ context: optional('string'), namespace: 'string' }),
  sim: fields({
    serviceTime: oneOf(['fixed', 'exponential']),
    baseServiceTimeMs: 'number',
    requests: optional('number'),
  }),
});

const RESULTS = fields({
  schemaVersion: oneOf([RESULTS_SCHEMA_VERSION]),
  tool: fields({ name: oneOf(['lbbench']), version: 'string' }),
  createdAt: 'string',
  command: arrayOf('string'),
  scenario: SCENARIO,
  environment: fields({
    backend: fields({
      backend: oneOf(BACKEND_KINDS),
      upstreamServer: 'string',
      details: { recordOf: 'string' },
    }),
    node: 'string',
    os: 'string',
    cpuCount: 'number',
    cpuModel: 'string',
  }),
  status: oneOf(['complete', 'partial', 'interrupted', 'failed']),
  error: optional('string'),
  runs: arrayOf(RUN),
  summaries: arrayOf(
    fields({
      row: 'string',
      repetitions: 'number',
      metrics: fields(
        Object.fromEntries(
          METRIC_NAMES.map((name) => [
            name,
            LATER_METRICS.has(name) ? optional(METRIC_SUMMARY) : METRIC_SUMMARY,
          ]),
        ),
      ),
    }),
  ),
  gates: arrayOf(
    fields({
      ...numbers('value', 'threshold'),
      gate: 'string',
      row: 'string',
      metric: oneOf(METRIC_NAMES),
      operator: oneOf(GATE_OPERATORS),
      passed: 'boolean',
      baselineValue: optional('number'),
      error: optional('string'),
    }),
  ),
});

/** Checks value against shape; returns the value with null numbers as NaN and null optionals dropped. */
function checkShape(value: unknown, shape: Shape, path: string, issues: Issue[]): unknown {
  const fail = (expected: string): unknown => {
    issues.push({ path, message: `must be ${expected}, got ${describeValue(value, 'json')}` });
    return value;
  };
  if (shape === 'number' || (shape === 'optional number' && value !== undefined)) {
    return value === null ? Number.NaN : typeof value === 'number' ? value : fail('a number');
  }
  if (shape === 'optional number') return undefined;
  if (shape === 'string' || shape === 'boolean') {
    return typeof value === shape ? value : fail(`a ${shape}`);
  }
  if ('optional' in shape) {
    return value === undefined || value === null
      ? undefined
      : checkShape(value, shape.optional, path, issues);
  }
  if ('nullable' in shape) {
    return value === null ? null : checkShape(value, shape.nullable, path, issues);
  }
  if ('oneOf' in shape) {
    return shape.oneOf.some((allowed) => allowed === value)
      ? value
      : fail(`one of ${shape.oneOf.map((item) => JSON.stringify(item)).join(', ')}`);
  }
  if ('arrayOf' in shape) {
    return Array.isArray(value)
      ? value.map((item: unknown, index) => checkShape(item, shape.arrayOf, `${path}[${index}]`, issues))
      : fail('an array');
  }
  if (!isRecord(value)) {
    return fail('an object');
  }
  if ('recordOf' in shape) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        checkShape(item, shape.recordOf, joinPath(path, key), issues),
      ]),
    );
  }
  const keys = [...new Set([...Object.keys(value), ...Object.keys(shape.fields)])];
  const entries = keys.map((key): [string, unknown] => {
    const inner = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
    return [
      key,
      inner === undefined ? value[key] : checkShape(value[key], inner, joinPath(path, key), issues),
    ];
  });
  return Object.fromEntries(entries.filter(([, item]) => item !== undefined));
}

/**
 * Validates a parsed results document against the results.json schema and returns it typed; an older version it
 * can upgrade (see {@link UPGRADABLE_SCHEMA_VERSIONS}) is upgraded first.
 */
export function parseResults(document: unknown, file: string): ResultsFile {
  if (isRecord(document) && document['schemaVersion'] !== RESULTS_SCHEMA_VERSION) {
    const version = document['schemaVersion'];
    if (typeof version === 'number' && UPGRADABLE_SCHEMA_VERSIONS.includes(version)) {
      return parseResults(upgradeResults(document), file);
    }
    const readable = [...UPGRADABLE_SCHEMA_VERSIONS, RESULTS_SCHEMA_VERSION].join(' or ');
    throw new ResultsFileError(
      file,
      `schemaVersion: must be ${readable} (the results schemas this lbbench reads), got ${describeValue(version, 'json')}`,
    );
  }
  const issues: Issue[] = [];
  const checked = checkShape(document, RESULTS, '', issues);
  throwIssues(issues, file);
  const results = checked as ResultsFile;
  results.scenario.policies.forEach((entry, index) => {
    checkEntryPolicy(entry, `scenario.policies[${index}]`, issues);
  });
  results.runs.forEach((run, index) => {
    checkEntryPolicy(run.entry, `runs[${index}].entry`, issues);
  });
  throwIssues(issues, file);
  return fillOlderDefaults(results);
}

/** Throws the first {@link MAX_ISSUES} issues as one ResultsFileError, if there are any. */
function throwIssues(issues: readonly Issue[], file: string): void {
  if (issues.length === 0) return;
  const shown = issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${issue.path === '' ? '(top level)' : issue.path}: ${issue.message}`);
  const more = issues.length > MAX_ISSUES ? [`… and ${issues.length - MAX_ISSUES} more`] : [];
  throw new ResultsFileError(file, [...shown, ...more].join(`\n${file}: `));
}

/** Results written before `load.generators` existed ran their load from one generator. */
function fillOlderDefaults(results: ResultsFile): ResultsFile {
  const { load } = results.scenario;
  if ((load as Partial<typeof load>).generators !== undefined) return results;
  return { ...results, scenario: { ...results.scenario, load: { ...load, generators: 1 } } };
}

/** Reads and validates a results.json file; throws ResultsFileError naming the file and the bad field. */
export async function readResults(file: string): Promise<ResultsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ResultsFileError(
      file,
      `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ResultsFileError(
      file,
      `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return parseResults(document, file);
}
