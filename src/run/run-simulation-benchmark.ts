import { mkdir } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AbortedError } from '../errors.js';
import { formatInteger } from '../load/progress-line.js';
import { writeReport } from '../report/write-report.js';
import type { RunRecord } from '../results/types.js';
import { isSimulatedRow, simulate } from '../sim/simulate.js';
import { LBBENCH_VERSION } from '../version.js';
import { buildResults } from './build-results.js';
import { describeEnvironment } from './environment.js';
import type { BenchmarkOutcome, RunBenchmarkOptions } from './run-benchmark.js';

/** What a simulated benchmark needs: what a live one does, less the cluster (no backend, no load drivers). */
export type SimulationBenchmarkOptions = Omit<RunBenchmarkOptions, 'backend' | 'drivers'>;

/**
 * `lbbench sim`: every row × repetition in the simulator, then the same results, report and gates as a live run.
 * An abort stops it between two runs; the runs already simulated are kept and `failure` is an AbortedError.
 */
export async function runSimulationBenchmark(options: SimulationBenchmarkOptions): Promise<BenchmarkOutcome> {
  const { scenario, progress, signal } = options;
  await mkdir(options.outDir, { recursive: true });
  const simulated = scenario.policies.filter(isSimulatedRow);
  progress.step(`Simulating ${simulated.map((row) => row.name).join(', ')} over ${scenario.replicas} pods`);
  const unmodelled = scenario.policies.filter((row) => !isSimulatedRow(row));
  if (unmodelled.length > 0) {
    progress.warn(
      `Skipping ${unmodelled.map((row) => row.name).join(', ')} and their gates: HAProxy and nginx run their own code, which the simulator does not model (it runs the bundled proxy's balancers). Run them live with --backend local.`,
    );
  }
  const runs: RunRecord[] = [];
  const pending = simulate(scenario);
  // The results describe the rows that were simulated; the skipped ones are named in the environment's details.
  const simulatedNames = new Set(simulated.map((row) => row.name));
  const simulatedScenario = {
    ...scenario,
    policies: simulated,
    gates: scenario.gates.filter((gate) => gate.row === '*' || simulatedNames.has(gate.row)),
  };
  const skipped =
    unmodelled.length === 0
      ? {}
      : {
          skippedRows: `${unmodelled.map((row) => row.name).join(', ')} (HAProxy and nginx are not modelled)`,
        };
  // A simulated run holds the event loop; yielding before each one lets a Ctrl-C (the signal's handler) through.
  while (!(await isAborted(signal))) {
    const next = pending.next();
    if (next.done === true) break;
    const record = next.value;
    runs.push(record);
    progress.step(
      `${record.row} #${record.repetition + 1}: ${formatInteger(record.metrics.requests)} requests simulated`,
    );
  }
  const failure = signal.aborted ? new AbortedError('interrupted', { cause: signal.reason }) : undefined;
  const results = buildResults({
    scenario: simulatedScenario,
    command: options.command,
    environment: describeEnvironment({
      backend: 'sim',
      upstreamServer: 'simulated',
      details: { simulator: `lbbench ${LBBENCH_VERSION}`, ...skipped },
    }),
    runs,
    status: failure === undefined ? 'complete' : 'interrupted',
    error: failure?.message,
    createdAt: new Date().toISOString(),
    baseline: options.baseline,
  });
  const paths = await writeReport(results, options.outDir);
  return { results, paths, failure };
}

async function isAborted(signal: AbortSignal): Promise<boolean> {
  await yieldToEventLoop();
  return signal.aborted;
}
