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
import type { Scenario } from '../scenario/types.js';
import { buildResults } from './build-results.js';
import { describeEnvironment } from './environment.js';
import { measureRun } from './measure-run.js';

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
}

/** What a benchmark produced; `failure` is the error that stopped it early (results are still written). */
export interface BenchmarkOutcome {
  readonly results: ResultsFile;
  readonly paths: ReportPaths;
  readonly failure: unknown;
}

const isAbort = (error: unknown, signal: AbortSignal): boolean =>
  signal.aborted || error instanceof AbortedError || (error instanceof Error && error.name === 'AbortError');

/**
 * Runs every policy × repetition of a scenario on a backend: up, then per run deploy the proxy, measure, remove
 * it, and save results.json after each run so nothing measured is lost; the backend always comes down, also on
 * error and interruption. Writes the report at the end, whatever happened.
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
    for (const policy of scenario.policies) {
      for (let repetition = 0; repetition < scenario.repetitions; repetition++) {
        if (signal.aborted) throw new AbortedError();
        const seed = scenario.seed + runs.length;
        progress.step(
          `${policy}${scenario.repetitions > 1 ? ` (repetition ${repetition + 1}/${scenario.repetitions})` : ''}: deploying the proxy`,
        );
        const endpoints = await backend.deployProxy({ policy, seed }, signal);
        const measuring = measureRun({
          backend,
          endpoints,
          scenario,
          policy,
          repetition,
          seed,
          signal,
          progress,
        });
        const run = await measuring.catch(async (error: unknown) => {
          // The measurement's failure is the one to report; failing to remove the proxy after it is a warning.
          await backend.removeProxy().catch((removalError: unknown) => {
            progress.warn(`removing the ${policy} proxy failed: ${describeError(removalError)}`);
          });
          throw error;
        });
        runs.push(run);
        await backend.removeProxy();
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

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line about a finished run, for the progress display. */
function describeRun(run: RunRecord): string {
  const { metrics, load } = run;
  return (
    `${run.policy} #${run.repetition + 1} done: ${formatInteger(metrics.requests)} requests, ` +
    `${formatInteger(load.rps)} req/s, Jain ${metrics.jain.toFixed(4)}, ` +
    `CV ${metrics.cv.toFixed(4)}, ${load.non2xx + load.errors + load.timeouts} errors` +
    (run.crossCheck.isConsistent ? '' : ' (client and proxy counts differ: see the report)')
  );
}
