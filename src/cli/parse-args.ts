import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { ScenarioOverrides } from '../scenario/apply-overrides.js';
import { LBBENCH_VERSION } from '../version.js';
import type { FlagSpec } from './options.js';
import {
  CHECK_FLAGS,
  RUN_EXAMPLES,
  RUN_FLAGS,
  SCENARIO_FLAGS,
  SIM_EXAMPLES,
  SIM_RUN_FLAGS,
  SIM_SCENARIO_FLAGS,
} from './options.js';

/** The default scenario of `lbbench run` and `lbbench sim`. */
const DEFAULT_SCENARIO = 'scenarios/quickstart.yaml';

/** Options of `run`/`sim` that are not scenario overrides. */
export interface RunFlags {
  readonly out: string | undefined;
  readonly proxyCmd: string | undefined;
  readonly proxyImage: string | undefined;
  readonly lbbenchImage: string | undefined;
  readonly context: string | undefined;
  readonly keep: boolean;
  readonly dryRun: boolean;
  readonly baseline: string | undefined;
  readonly json: boolean;
}

/** A parsed command line. */
export type ParsedCommand =
  | {
      readonly kind: 'run';
      readonly scenarioPath: string;
      readonly overrides: ScenarioOverrides;
      readonly flags: RunFlags;
    }
  | { readonly kind: 'report'; readonly resultsPath: string; readonly out: string | undefined }
  | {
      readonly kind: 'check';
      readonly resultsPath: string;
      readonly baseline: string | undefined;
      readonly gates: readonly string[];
      readonly junit: string | undefined;
      readonly json: boolean;
      readonly allowMismatch: boolean;
    }
  | { readonly kind: 'scenarios' }
  | { readonly kind: 'validate'; readonly scenarioPath: string; readonly overrides: ScenarioOverrides }
  | { readonly kind: 'info'; readonly text: string };

// No default ([] would show in the help as `(default: [])`): an absent repeatable flag reads as undefined.
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function addFlags(command: Command, flags: Readonly<Record<string, FlagSpec>>): Command {
  for (const spec of Object.values(flags)) {
    const option = new Option(spec.flags, spec.description);
    if (spec.isRepeatable === true) option.argParser(collect);
    command.addOption(option);
  }
  return command;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function readOverrides(options: Record<string, unknown>): ScenarioOverrides {
  return {
    backend: text(options.backend),
    replicas: text(options.replicas),
    policies: text(options.policies),
    duration: text(options.duration),
    warmup: text(options.warmup),
    connections: text(options.connections),
    rate: text(options.rate),
    generators: text(options.generators),
    seed: text(options.seed),
    repetitions: text(options.repetitions),
    concurrency: text(options.concurrency),
    proxy: text(options.proxy),
    gate: Array.isArray(options.gate) ? (options.gate as string[]) : [],
  };
}

function readRunFlags(options: Record<string, unknown>): RunFlags {
  return {
    out: text(options.out),
    proxyCmd: text(options.proxyCmd),
    proxyImage: text(options.proxyImage),
    lbbenchImage: text(options.lbbenchImage),
    context: text(options.context),
    keep: options.keep === true,
    dryRun: options.dryRun === true,
    baseline: text(options.baseline),
    json: options.json === true,
  };
}

/** Builds the commander program; each action stores what it parsed in `found`. */
function buildProgram(found: { command?: ParsedCommand }, write: (text: string) => void): Command {
  const program = new Command('lbbench')
    .description(
      'Benchmark how the load-balancing policies of an Envoy-style STRICT_DNS proxy spread requests over the ' +
        'pods of a Kubernetes headless Service, and what that does to latency. Start with: lbbench run',
    )
    .version(LBBENCH_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: write })
    .showHelpAfterError('(run lbbench --help for usage)');

  for (const isSim of [false, true]) {
    const command = program
      .command(isSim ? 'sim' : 'run')
      .argument('[scenario]', 'scenario file or bundled scenario name', DEFAULT_SCENARIO)
      .description(
        isSim
          ? "simulate a scenario with the proxy's own balancers (deterministic, no processes)"
          : 'run a scenario: start pods, run the proxy once per policy, drive load, write the report',
      )
      .addHelpText('after', isSim ? SIM_EXAMPLES : RUN_EXAMPLES);
    addFlags(command, isSim ? SIM_SCENARIO_FLAGS : SCENARIO_FLAGS);
    addFlags(command, isSim ? SIM_RUN_FLAGS : RUN_FLAGS);
    command.action((scenarioPath: string, options: Record<string, unknown>) => {
      found.command = {
        kind: 'run',
        scenarioPath,
        overrides: { ...readOverrides(options), ...(isSim ? { backend: 'sim' } : {}) },
        flags: readRunFlags(options),
      };
    });
  }
  program
    .command('report')
    .argument('<results.json>', 'results of an earlier run')
    .option('--out <dir>', 'output folder (default: the folder of results.json)')
    .description('re-render report.html, summary.md and junit.xml from a results.json')
    .action((resultsPath: string, options: Record<string, unknown>) => {
      found.command = { kind: 'report', resultsPath, out: text(options.out) };
    });
  const check = program
    .command('check')
    .argument('<results.json>', 'results to judge')
    .description(
      "evaluate the scenario's gates (and --gate) on a results file, optionally against a baseline",
    );
  addFlags(check, CHECK_FLAGS).action((resultsPath: string, options: Record<string, unknown>) => {
    found.command = {
      kind: 'check',
      resultsPath,
      baseline: text(options.baseline),
      gates: Array.isArray(options.gate) ? (options.gate as string[]) : [],
      junit: text(options.junit),
      json: options.json === true,
      allowMismatch: options.allowMismatch === true,
    };
  });
  program
    .command('scenarios')
    .description('list the bundled scenarios')
    .action(() => {
      found.command = { kind: 'scenarios' };
    });
  const validate = program
    .command('validate')
    .argument('[scenario]', 'scenario file or bundled scenario name', DEFAULT_SCENARIO)
    .description('check a scenario (and flag overrides) and print it with every default filled in');
  addFlags(validate, SCENARIO_FLAGS).action((scenarioPath: string, options: Record<string, unknown>) => {
    found.command = { kind: 'validate', scenarioPath, overrides: readOverrides(options) };
  });
  return program;
}

/** Says why `lbbench sim` refuses an option that `lbbench run` takes: the simulator has no backend or real proxy. */
function explainSimOption(argv: readonly string[], error: CommanderError): string | undefined {
  if (argv[0] !== 'sim' || error.code !== 'commander.unknownOption') return undefined;
  const option = /'(--[\w-]+)'/.exec(error.message)?.[1];
  const runOnly = [...Object.values(SCENARIO_FLAGS), ...Object.values(RUN_FLAGS)].some(
    (spec) => option !== undefined && spec.flags.split(' ')[0] === option,
  );
  if (option === undefined || !runOnly) return undefined;
  return (
    `lbbench sim does not take ${option}: it simulates the bundled proxy's balancers without a backend, ` +
    `so ${option} would change nothing; use lbbench run ${option} …`
  );
}

/**
 * Parses `lbbench` arguments (without node and the script) into a command, without running anything.
 * Help and version requests come back as `info` with the text to print.
 * @throws UsageError for unknown commands or flags and missing arguments.
 */
export function parseArgs(argv: readonly string[]): ParsedCommand {
  const found: { command?: ParsedCommand } = {};
  let output = '';
  const program = buildProgram(found, (chunk) => (output += chunk));
  if (argv.length === 0) return { kind: 'info', text: program.helpInformation() };
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return { kind: 'info', text: output };
    const simHint = explainSimOption(argv, error);
    if (simHint !== undefined) throw new UsageError(simHint, { cause: error });
    throw new UsageError(output.trim() === '' ? error.message : output.trim(), { cause: error });
  }
  if (found.command === undefined) {
    program.outputHelp();
    return { kind: 'info', text: output };
  }
  return found.command;
}
