import { mkdir } from 'node:fs/promises';
import type { GateBaseline } from '../gates/evaluate-gates.js';
import type { ProgressSink } from '../progress.js';
import { writeReport } from '../report/write-report.js';
import type { Scenario } from '../scenario/types.js';
import { runSimulation } from '../sim/run-simulation.js';
import { LBBENCH_VERSION } from '../version.js';
import { buildResults } from './build-results.js';
import { describeEnvironment } from './environment.js';
import type { BenchmarkOutcome } from './run-benchmark.js';

/** What a simulated benchmark needs. */
export interface SimulationBenchmarkOptions {
  readonly scenario: Scenario;
  readonly outDir: string;
  readonly command: readonly string[];
  readonly progress: ProgressSink;
  readonly signal: AbortSignal;
  readonly baseline?: GateBaseline | undefined;
}

/** `lbbench sim`: every policy × repetition in the simulator, then the same results, report and gates as a live run. */
export async function runSimulationBenchmark(options: SimulationBenchmarkOptions): Promise<BenchmarkOutcome> {
  const { scenario, progress } = options;
  await mkdir(options.outDir, { recursive: true });
  progress.step(`Simulating ${scenario.policies.join(', ')} over ${scenario.replicas} pods`);
  const runs = runSimulation(scenario, {
    onRun: (record) => {
      progress.step(
        `${record.policy} #${record.repetition + 1}: ${record.metrics.requests} requests simulated`,
      );
    },
  });
  const results = buildResults({
    scenario,
    command: options.command,
    environment: describeEnvironment({
      backend: 'sim',
      upstreamServer: 'simulated',
      details: { simulator: `lbbench ${LBBENCH_VERSION}` },
    }),
    runs,
    status: options.signal.aborted ? 'interrupted' : 'complete',
    error: undefined,
    createdAt: new Date().toISOString(),
    baseline: options.baseline,
  });
  const paths = await writeReport(results, options.outDir);
  return { results, paths, failure: undefined };
}
