import { parseDocument } from 'yaml';
import { ScenarioError } from '../errors.js';
import type { InputIssue } from '../errors.js';
import { checkScenario } from './check-scenario.js';
import { describeValue } from '../validation/describe-value.js';
import { readEvents } from './read-events.js';
import { readChoice, readInteger, readMapping, readText } from './read-fields.js';
import { isRecord } from '../validation/is-record.js';
import type { IssueSink } from './read-fields.js';
import { readGates } from './read-gates.js';
import { readPolicies } from './read-policies.js';
import {
  readKindSection,
  readKubeSection,
  readLoadSection,
  readProxySection,
  readSimSection,
  readUpstreamSection,
  SECTION_FIELDS,
} from './read-sections.js';
import { SCENARIO_DEFAULTS, SCENARIO_LIMITS } from './scenario-defaults.js';
import { BACKEND_KINDS } from './types.js';
import type { Scenario } from './types.js';

/** The top-level fields of a scenario file. */
const SCENARIO_KEYS = [
  'name',
  'description',
  'backend',
  'replicas',
  'policies',
  'repetitions',
  'seed',
  'proxy',
  'load',
  'upstream',
  'events',
  'gates',
  'kind',
  'kube',
  'sim',
] as const;

const NAME_RULE = { pattern: /^[a-z0-9-]+$/, description: 'a name of lowercase letters, digits and "-"' };

/**
 * Parses and validates a scenario file's text: YAML, every field, unknown fields (with the closest known name),
 * defaults, then the checks that span fields. `file` is used in messages and kept as `sourcePath`.
 * @throws ScenarioError with every issue found, each as `file: path: message`.
 */
export function parseScenario(text: string, file: string): Scenario {
  const issues: InputIssue[] = [];
  const raw = parseYaml(text, issues);
  if (issues.length > 0) throw new ScenarioError(file, issues);
  const scenario = readScenario(raw, file, issues);
  const fieldIssues = [...issues];
  // A path is valid when no issue sits on it, under it, or on a field that holds it (events[2] covers events[2].kill).
  const isPathValid = (path: string): boolean =>
    !fieldIssues.some(
      (issue) => isWithin(issue.path, path) || (issue.path !== '' && isWithin(path, issue.path)),
    );
  issues.push(...checkScenario(scenario, isPathValid));
  if (issues.length > 0) throw new ScenarioError(file, issues);
  return scenario;
}

/** Whether a field path is `outer` itself or lies under it (`load.duration` under `load`, `pods[0]` under `pods`). */
function isWithin(path: string, outer: string): boolean {
  return path === outer || path.startsWith(`${outer}.`) || path.startsWith(`${outer}[`);
}

function parseYaml(text: string, issues: IssueSink): unknown {
  const document = parseDocument(text);
  for (const error of document.errors) {
    const position = error.linePos?.[0];
    const where = position === undefined ? '' : ` at line ${position.line}, column ${position.col}`;
    const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    issues.push({ path: '', message: `invalid YAML${where}: ${reason}` });
  }
  if (issues.length > 0) return undefined;
  try {
    return document.toJS();
  } catch (error) {
    // toJS throws for unresolved or runaway aliases.
    issues.push({
      path: '',
      message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}`,
    });
    return undefined;
  }
}

const TOP_LEVEL_SUGGESTIONS = [
  ...SCENARIO_KEYS,
  ...Object.entries(SECTION_FIELDS).flatMap(([section, keys]) => keys.map((key) => `${section}.${key}`)),
];

function readScenario(value: unknown, file: string, issues: IssueSink): Scenario {
  if (value === null || value === undefined) {
    issues.push({ path: '', message: 'is empty; a scenario needs at least a name, e.g. "name: quickstart"' });
  }
  const raw = readMapping(value, '', SCENARIO_KEYS, issues, TOP_LEVEL_SUGGESTIONS);
  if (raw.name === undefined && isRecord(value)) {
    issues.push({ path: 'name', message: 'is required: a name of lowercase letters, digits and "-"' });
  }
  const limits = SCENARIO_LIMITS;
  const defaults = SCENARIO_DEFAULTS;
  const name = readText(raw.name, 'name', issues, NAME_RULE) ?? '';
  const description = readDescription(raw.description, issues);
  const backend = readChoice(raw.backend, 'backend', BACKEND_KINDS, defaults.backend, issues);
  const replicas = readInteger(raw.replicas, 'replicas', limits.replicas, defaults.replicas, issues);
  const issuesBeforePolicies = issues.length;
  const policies = readPolicies(raw.policies, 'policies', issues);
  const arePoliciesValid = issues.length === issuesBeforePolicies;
  return {
    name,
    description,
    sourcePath: file,
    backend,
    replicas,
    policies,
    repetitions: readInteger(
      raw.repetitions,
      'repetitions',
      limits.repetitions,
      defaults.repetitions,
      issues,
    ),
    seed: readInteger(raw.seed, 'seed', limits.seed, defaults.seed, issues),
    proxy: readProxySection(raw.proxy, issues),
    load: readLoadSection(raw.load, issues),
    upstream: readUpstreamSection(raw.upstream, issues),
    events: readEvents(raw.events, issues),
    gates: readGates(
      raw.gates,
      { origin: 'scenario', rows: arePoliciesValid ? policies.map((row) => row.name) : undefined },
      issues,
    ),
    kind: readKindSection(raw.kind, issues),
    kube: readKubeSection(raw.kube, issues),
    sim: readSimSection(raw.sim, issues),
  };
}

function readDescription(value: unknown, issues: IssueSink): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  issues.push({ path: 'description', message: `must be a string, got ${describeValue(value)}` });
  return '';
}
