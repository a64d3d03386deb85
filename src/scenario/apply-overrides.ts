import { ScenarioError } from '../errors.js';
import type { InputIssue } from '../errors.js';
import { checkScenario } from './check-scenario.js';
import { readChoice, readDuration, readInteger, readPositiveNumber } from './read-fields.js';
import { readGateText } from './read-gates.js';
import { readPolicies } from './read-policies.js';
import { SCENARIO_LIMITS } from './scenario-defaults.js';
import { BACKEND_KINDS, PROXY_KINDS } from './types.js';
import type { GateSpec, Scenario } from './types.js';

/** Command-line overrides of a scenario, as the flags give them (strings); `gate` may repeat. */
export interface ScenarioOverrides {
  readonly replicas?: string | undefined;
  /** Comma-separated row or policy names, e.g. `ROUND_ROBIN,RANDOM` or `LR-3,LR-5`. */
  readonly policies?: string | undefined;
  readonly duration?: string | undefined;
  readonly warmup?: string | undefined;
  readonly connections?: string | undefined;
  readonly rate?: string | undefined;
  readonly generators?: string | undefined;
  readonly backend?: string | undefined;
  readonly seed?: string | undefined;
  readonly repetitions?: string | undefined;
  readonly concurrency?: string | undefined;
  /** `lbbench` or `envoy`. */
  readonly proxy?: string | undefined;
  /** Extra gates, each in the scenario's string syntax, e.g. `RANDOM: cv <= 3 * null_cv`. */
  readonly gate?: readonly string[] | undefined;
}

/** The scenario field each flag overrides, for the cross-field checks to skip a field a bad flag left unknown. */
const FLAG_FIELDS: Readonly<Record<string, string>> = {
  '--replicas': 'replicas',
  '--backend': 'backend',
  '--duration': 'load.duration',
  '--connections': 'load.connections',
  '--rate': 'load.rate',
};

const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

// Flags arrive as strings; numeric text becomes a number so the scenario's readers (and messages) apply unchanged.
function toFlagValue(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  return NUMERIC_TEXT.test(text.trim()) ? Number(text) : text;
}

/**
 * Applies command-line overrides with the scenario's own rules and messages (paths are the flags, e.g.
 * `--connections`), then re-runs the cross-field checks. `--policies` replaces the rows — a name of one of the
 * scenario's rows keeps that row with its settings, any other policy name is a row with Envoy's defaults — and drops
 * the scenario's gates for rows no longer run; `--gate` adds gates. `origin` names the source in messages (e.g. `command line`).
 * @throws ScenarioError listing every bad flag, or every cross-field problem the overrides created.
 */
export function applyOverrides(scenario: Scenario, overrides: ScenarioOverrides, origin: string): Scenario {
  const issues: InputIssue[] = [];
  const limits = SCENARIO_LIMITS;
  const policies =
    overrides.policies === undefined
      ? scenario.policies
      : readPolicies(overrides.policies, '--policies', issues, scenario.policies);
  const rows = policies.map((row) => row.name);
  const keptGates = scenario.gates.filter((gate) => gate.row === '*' || rows.includes(gate.row));
  const addedGates = (overrides.gate ?? []).flatMap((text): GateSpec[] =>
    readGateText(text, '*', { origin: 'cli', rows }, '--gate', issues),
  );
  const { load, proxy } = scenario;
  const next: Scenario = {
    ...scenario,
    replicas: readInteger(
      toFlagValue(overrides.replicas),
      '--replicas',
      limits.replicas,
      scenario.replicas,
      issues,
    ),
    policies,
    repetitions: readInteger(
      toFlagValue(overrides.repetitions),
      '--repetitions',
      limits.repetitions,
      scenario.repetitions,
      issues,
    ),
    seed: readInteger(toFlagValue(overrides.seed), '--seed', limits.seed, scenario.seed, issues),
    backend: readChoice(overrides.backend, '--backend', BACKEND_KINDS, scenario.backend, issues),
    proxy: {
      ...proxy,
      kind: readChoice(overrides.proxy, '--proxy', PROXY_KINDS, proxy.kind, issues),
      concurrency: readInteger(
        toFlagValue(overrides.concurrency),
        '--concurrency',
        limits.concurrency,
        proxy.concurrency,
        issues,
      ),
    },
    load: {
      ...load,
      connections: readInteger(
        toFlagValue(overrides.connections),
        '--connections',
        limits.connections,
        load.connections,
        issues,
      ),
      durationMs: readDuration(overrides.duration, '--duration', limits.durationMs, load.durationMs, issues),
      warmupMs: readDuration(overrides.warmup, '--warmup', limits.warmupMs, load.warmupMs, issues),
      rateRps:
        overrides.rate === undefined
          ? load.rateRps
          : readPositiveNumber(toFlagValue(overrides.rate), '--rate', 'requests per second', issues),
      generators: readInteger(
        toFlagValue(overrides.generators),
        '--generators',
        limits.generators,
        load.generators,
        issues,
      ),
    },
    gates: [...keptGates, ...addedGates],
  };
  // Every problem in one pass: the cross-field checks run too, skipping only those that read a bad flag's field.
  const badFields = issues.flatMap((issue) => FLAG_FIELDS[issue.path] ?? []);
  const crossIssues = checkScenario(next, (path) => !badFields.includes(path));
  if (issues.length + crossIssues.length > 0) throw new ScenarioError(origin, [...issues, ...crossIssues]);
  return next;
}
