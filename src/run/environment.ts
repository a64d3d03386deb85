import { cpus, release, type } from 'node:os';
import type { BackendEnvironment } from '../backends/backend.js';
import type { ResultsFile } from '../results/types.js';

/** The machine facts recorded in results.json next to what the backend reports. */
export function describeEnvironment(backend: BackendEnvironment): ResultsFile['environment'] {
  const processors = cpus();
  return {
    backend,
    node: process.version,
    os: `${type()} ${release()} ${process.arch}`,
    cpuCount: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
  };
}
