/** lbbench's programmatic API: everything the CLI does, as functions that take and return data. */
export { runBenchmark } from './run/run-benchmark.js';
export type { BenchmarkOutcome, RunBenchmarkOptions } from './run/run-benchmark.js';
export { runSimulationBenchmark } from './run/run-simulation-benchmark.js';
export type { SimulationBenchmarkOptions } from './run/run-simulation-benchmark.js';
export { buildResults } from './run/build-results.js';
export { createBackend } from './backends/create-backend.js';
export type {
  Backend,
  BackendEnvironment,
  CounterSource,
  CounterSourceKind,
  Pod,
  ProxyDeployment,
  ProxyEndpoints,
  ProxyInfo,
} from './backends/backend.js';
export { loadScenario, listBundledScenarios } from './scenario/load-scenario.js';
export { parseScenario } from './scenario/parse-scenario.js';
export { applyOverrides } from './scenario/apply-overrides.js';
export type { ScenarioOverrides } from './scenario/apply-overrides.js';
export type * from './scenario/types.js';
export { readResults } from './results/read-results.js';
export { writeResults } from './results/write-results.js';
export type * from './results/types.js';
export { writeReport } from './report/write-report.js';
export { renderReportHtml } from './report/html.js';
export { parseGate } from './gates/parse-gate.js';
export { evaluateGates } from './gates/evaluate-gates.js';
export type { GateResult } from './gates/types.js';
export { computeDistribution } from './stats/distribution.js';
export { computeRunMetrics, summarizeRow } from './stats/metrics.js';
export type * from './stats/types.js';
export { fetchClusters } from './collect/clusters-client.js';
export { parseClustersJson, parseClustersText } from './collect/parse-clusters.js';
export { computeHostDeltas } from './collect/deltas.js';
export type * from './collect/types.js';
export { SILENT_PROGRESS } from './progress.js';
export type { ProgressSink } from './progress.js';
export * from './errors.js';
export { LBBENCH_VERSION } from './version.js';
