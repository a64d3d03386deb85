import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Backend } from '../backends/backend.js';
import { AbortedError } from '../errors.js';
import type { GateBaseline } from '../gates/evaluate-gates.js';
import { formatInteger } from '../load/progress-line.js';
import type { ProgressSink } from '../progress.js';
import type { ReportPaths } from '../report/write-report.js';
import { writeReport } from '../report/write-report.js';
import type { ResultsFile, RunRecord, RunStatus } from '../results/types.js';
import { writeResults } from '../results/write-results.js';
import type { PolicyEntry, Scenario } from '../scenario/types.js';
import { isAbort, throwIfAborted } from './abort.js';
import { buildResults } from './build-results.js';
import { describeEnvironment } from './environment.js';
import { measureRun } from './measure-run.js';
import { LIVE_DRIVERS, type RunDrivers } from './run-drivers.js';
import { startFromInitialPods } from './start-from-initial-pods.js';

/** What a benchmark run needs. */
export interface RunBenchmarkOptions {
  readonly scenario: Scenario;
  readonly backend: Backend;
  /** Where results.json and the report go (created if needed). */
  readonly outDir: string;
  /** The argv that reproduces the run, recorded in results.json and the report. */
  readonly command: readonly string[];
  readonly signal: AbortSignal;
  readonly progress: ProgressSink;
  readonly baseline?: GateBaseline | undefined;
  /** Default: the system clock, autocannon and HTTP. */
  readonly drivers?: RunDrivers;
}

/** What a benchmark produced; `failure` is the error that stopped it early (results are still written). */
export interface BenchmarkOutcome {
  readonly results: ResultsFile;
  readonly paths: ReportPaths;
  readonly failure: unknown;
}

/**
 * Runs every row × repetition of a scenario on a backend: up, then per run reset the cluster to the scenario's
 * initial pods, deploy the proxy with the run's seed, verify both, measure, remove the proxy, and save results.json
 * after each run so nothing measured is lost; the backend always comes down, also on error and interruption.
 * Writes the report at the end, whatever happened.
 */
export async function runBenchmark(options: RunBenchmarkOptions): Promise<BenchmarkOutcome> {
  const { scenario, backend, signal, progress } = options;
  await mkdir(options.outDir, { recursive: true });
  const resultsPath = path.join(options.outDir, 'results.json');
  const createdAt = new Date().toISOString();
  const runs: RunRecord[] = [];
  const assemble = (status: RunStatus, error: string | undefined): ResultsFile =>
    buildResults({
      scenario,
      command: options.command,
      environment: describeEnvironment(backend.environment()),
      runs,
      status,
      error,
      createdAt,
      baseline: options.baseline,
    });
  let status: RunStatus = 'complete';
  let failure: unknown;
  try {
    progress.step(`Starting the ${backend.kind} backend: ${scenario.replicas} myapp pod(s)`);
    await backend.up(signal);
    for (const row of scenario.policies) {
      for (let repetition = 0; repetition < scenario.repetitions; repetition++) {
        throwIfAborted(signal);
        const run = await runOnce(options, { row, repetition, seed: scenario.seed + runs.length });
        runs.push(run);
        await writeResults(assemble('partial', undefined), resultsPath);
        progress.step(describeRun(run));
      }
    }
  } catch (error) {
    failure = isAbort(error, signal) ? new AbortedError('interrupted', { cause: error }) : error;
    status = failure instanceof AbortedError ? 'interrupted' : runs.length > 0 ? 'partial' : 'failed';
  } finally {
    progress.step(`Stopping the ${backend.kind} backend`);
    // A failure to clean up must not cost the results: report it and carry on writing them.
    await backend.down().catch((error: unknown) => {
      progress.warn(`stopping the ${backend.kind} backend failed: ${describeError(error)}`);
    });
  }
  const message = failure === undefined ? undefined : describeError(failure);
  const results = assemble(status, message);
  const paths = await writeReport(results, options.outDir);
  return { results, paths, failure };
}

/** One row × repetition: start from the initial pods, measure, and remove the proxy whatever happened. */
async function runOnce(
  options: RunBenchmarkOptions,
  run: { readonly row: PolicyEntry; readonly repetition: number; readonly seed: number },
): Promise<RunRecord> {
  const { scenario, backend, signal, progress } = options;
  const drivers = options.drivers ?? LIVE_DRIVERS;
  const { row, repetition, seed } = run;
  progress.step(
    `${row.name}${scenario.repetitions > 1 ? ` (repetition ${repetition + 1}/${scenario.repetitions})` : ''}: resetting to ${scenario.replicas} pod(s), deploying the proxy (seed ${seed})`,
  );
  const started = await startFromInitialPods({
    backend,
    scenario,
    deployment: { row, seed },
    signal,
    progress,
    drivers,
  });
  const record = await measureRun({ ...run, ...started, backend, scenario, signal, progress, drivers }).catch(
    async (error: unknown) => {
      // The measurement's failure is the one to report; failing to remove the proxy after it is a warning.
      await backend.removeProxy().catch((removalError: unknown) => {
        progress.warn(`removing the ${row.name} proxy failed: ${describeError(removalError)}`);
      });
      throw error;
    },
  );
  await backend.removeProxy();
  return record;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line about a finished run, for the progress display. */
function describeRun(run: RunRecord): string {
  const { metrics, load } = run;
  return (
    `${run.row} #${run.repetition + 1} done: ${formatInteger(metrics.requests)} requests, ` +
    `${formatInteger(load.rps)} req/s, Jain ${metrics.jain.toFixed(4)}, ` +
    `CV ${metrics.cv.toFixed(4)}, ${load.non2xx + load.errors + load.timeouts} errors` +
    (run.crossCheck.isConsistent ? '' : ' (client and proxy counts differ: see the report)')
  );
}
