import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createBackend } from '../backends/create-backend.js';
import type { PreparedBackend } from '../backends/create-backend.js';
import { UsageError } from '../errors.js';
import { formatGateTable } from '../gates/format-gates.js';
import { getPackageRoot } from '../package-root.js';
import { renderTerminalSummary } from '../report/terminal-summary.js';
import { readResults } from '../results/read-results.js';
import type { ResultsFile } from '../results/types.js';
import type { BenchmarkOutcome } from '../run/run-benchmark.js';
import { applyOverrides } from '../scenario/apply-overrides.js';
import { loadScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/types.js';
import { checkBaseline } from './baseline-mismatch.js';
import type { CliIo } from './cli-io.js';
import { EXIT_CODES, getExitCode } from './exit-codes.js';
import { formatCliError } from './format-error.js';
import type { ParsedCommand, RunFlags } from './parse-args.js';
import { prepareOutDir, type OutDirChoice } from './prepare-out-dir.js';
import { createProgressRenderer } from './progress-renderer.js';
import { createInterruptController } from './signals.js';
import { appendStepSummary } from './step-summary.js';

type RunCommand = Extract<ParsedCommand, { kind: 'run' }>;

/**
 * Finds a scenario file: as given (relative to the working directory), else inside the lbbench package, so
 * `lbbench run scenarios/slow-pod.yaml` works from anywhere, and a bundled name such as `quickstart` resolves too.
 */
export function resolveScenarioPath(given: string, cwd: string): string {
  const local = path.resolve(cwd, given);
  if (existsSync(local)) return local;
  const candidates = [given, path.join('scenarios', `${given}.yaml`)];
  const bundled = candidates
    .map((name) => path.join(getPackageRoot(), name))
    .find((file) => existsSync(file));
  return bundled ?? local;
}

/** Loads a scenario and applies the command line's overrides. */
export async function loadScenarioWithOverrides(
  command: Pick<RunCommand, 'scenarioPath' | 'overrides'>,
  cwd: string,
): Promise<Scenario> {
  const scenario = await loadScenario(resolveScenarioPath(command.scenarioPath, cwd));
  return applyOverrides(scenario, command.overrides, 'command line');
}

/** Splits a command string on spaces, keeping "double" or 'single' quoted parts together. */
export function splitCommand(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? '',
  );
}

/** Applies the run flags that set scenario fields, and rejects the ones that make no sense for the backend. */
export function applyRunFlags(scenario: Scenario, flags: RunFlags): Scenario {
  const { backend } = scenario;
  const reject = (flag: string, allowed: string): never => {
    throw new UsageError(`${flag} only applies to ${allowed}, but the backend is "${backend}"`);
  };
  if (flags.proxyCmd !== undefined && backend !== 'local') reject('--proxy-cmd', 'the local backend');
  if (flags.proxyImage !== undefined && backend !== 'kind' && backend !== 'kube')
    reject('--proxy-image', 'kind and kube');
  if (flags.context !== undefined && backend !== 'kube') reject('--context', 'the kube backend');
  if (flags.lbbenchImage !== undefined && backend !== 'kube') reject('--lbbench-image', 'the kube backend');
  if (flags.keep && backend !== 'kind') reject('--keep', 'the kind backend');
  if (flags.dryRun && backend !== 'kind' && backend !== 'kube') reject('--dry-run', 'kind and kube');
  const command = flags.proxyCmd === undefined ? scenario.proxy.command : splitCommand(flags.proxyCmd);
  if (command?.length === 0) throw new UsageError('--proxy-cmd must name a command, got an empty string');
  return {
    ...scenario,
    proxy: { ...scenario.proxy, command, image: flags.proxyImage ?? scenario.proxy.image },
    kube: {
      ...scenario.kube,
      context: flags.context ?? scenario.kube.context,
      image: flags.lbbenchImage ?? scenario.kube.image,
    },
  };
}

/** Refuses `--duration` on a simulation bounded by `sim.requests`, which would silently ignore it. */
export function rejectIgnoredOverrides(scenario: Scenario, command: Pick<RunCommand, 'overrides'>): void {
  if (scenario.backend !== 'sim' || scenario.sim.requests === undefined) return;
  if (command.overrides.duration === undefined) return;
  throw new UsageError(
    `--duration ${command.overrides.duration}: ${scenario.sourcePath} sets sim.requests: ${scenario.sim.requests}, ` +
      'so each simulated run is bounded by requests, not time; drop --duration or sim.requests',
  );
}

/** The argv that reproduces a run into a fresh folder: `--out` is left out, as it would be refused. */
export function buildReproduceCommand(argv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (arg === '--out') index++;
    else if (!arg.startsWith('--out=')) kept.push(arg);
  }
  return ['lbbench', ...kept];
}

/** `reports/<YYYYMMDD-HHMMSS>-<scenario>/` under the working directory. */
export function getDefaultOutDir(cwd: string, scenarioName: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return path.join(cwd, 'reports', `${stamp}-${scenarioName}`);
}

function printOutcome(outcome: BenchmarkOutcome, io: CliIo, json: boolean): void {
  const { results, paths } = outcome;
  // With --json, stdout holds only the JSON document; the tables go to stderr for the person watching.
  const result = json ? io.stderr : io.stdout;
  result.write(`\n${renderTerminalSummary(results).trimEnd()}\n`);
  if (results.gates.length > 0) result.write(`\n${formatGateTable(results.gates)}\n`);
  result.write(`\nReport:  ${paths.htmlPath}\nResults: ${paths.resultsPath}\n`);
  if (json) {
    io.stdout.write(
      `${JSON.stringify({
        schemaVersion: 1,
        source: results.runs[0]?.source ?? (results.scenario.backend === 'sim' ? 'sim' : 'live'),
        status: results.status,
        error: results.error ?? null,
        reportPath: paths.htmlPath,
        resultsPath: paths.resultsPath,
        summaries: results.summaries.map((summary) => ({
          row: summary.row,
          repetitions: summary.repetitions,
          metrics: Object.fromEntries(
            Object.entries(summary.metrics).map(([name, metric]) => [name, metric.median]),
          ),
        })),
        gates: results.gates,
      })}\n`,
    );
  }
}

function getOutcomeExitCode(outcome: BenchmarkOutcome): number {
  if (outcome.failure !== undefined) return getExitCode(outcome.failure);
  return outcome.results.gates.some((gate) => !gate.passed) ? EXIT_CODES.gateFailed : EXIT_CODES.ok;
}

async function planDryRun(prepared: PreparedBackend, io: CliIo): Promise<number> {
  if (prepared.plan === undefined) {
    throw new UsageError(`--dry-run is not available for the ${prepared.backend.kind} backend`);
  }
  io.stdout.write(await prepared.plan());
  return EXIT_CODES.ok;
}

/** `lbbench run` and `lbbench sim`. */
export async function runRunCommand(command: RunCommand, io: CliIo): Promise<number> {
  const scenario = applyRunFlags(await loadScenarioWithOverrides(command, io.cwd), command.flags);
  rejectIgnoredOverrides(scenario, command);
  const baseline: ResultsFile | undefined =
    command.flags.baseline === undefined
      ? undefined
      : await readResults(path.resolve(io.cwd, command.flags.baseline));
  if (baseline !== undefined) {
    for (const warning of checkBaseline({ runs: [], scenario }, baseline, true))
      io.stderr.write(`${warning}\n`);
  }
  const outChoice: OutDirChoice =
    command.flags.out === undefined
      ? { kind: 'default', dir: getDefaultOutDir(io.cwd, scenario.name, new Date()) }
      : { kind: 'given', dir: path.resolve(io.cwd, command.flags.out) };
  // A dry run touches nothing, not even the output folder.
  const outDir = command.flags.dryRun ? outChoice.dir : await prepareOutDir(outChoice);
  const progress = createProgressRenderer(io.stderr);
  const interrupt = createInterruptController(() => {
    progress.warn('interrupted: stopping and cleaning up (Ctrl-C again to give up cleaning)');
  });
  const reproduce = buildReproduceCommand(io.argv);
  try {
    let outcome: BenchmarkOutcome;
    if (scenario.backend === 'sim') {
      const { runSimulationBenchmark } = await import('../run/run-simulation-benchmark.js');
      outcome = await runSimulationBenchmark({
        scenario,
        outDir,
        command: reproduce,
        progress,
        baseline,
        signal: interrupt.signal,
      });
    } else {
      const prepared = await createBackend(scenario, { outDir, progress, keep: command.flags.keep });
      if (command.flags.dryRun) return await planDryRun(prepared, io);
      const { runBenchmark } = await import('../run/run-benchmark.js');
      outcome = await runBenchmark({
        scenario,
        backend: prepared.backend,
        outDir,
        command: reproduce,
        signal: interrupt.signal,
        progress,
        baseline,
      });
    }
    progress.finish();
    printOutcome(outcome, io, command.flags.json);
    const { summaryPath } = outcome.paths;
    await appendStepSummary(io, () => readFile(summaryPath, 'utf8'));
    if (outcome.failure !== undefined) io.stderr.write(`\n${formatCliError(outcome.failure, io.env)}`);
    return getOutcomeExitCode(outcome);
  } finally {
    progress.finish();
    interrupt.dispose();
  }
}
