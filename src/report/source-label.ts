import type { ResultsFile } from '../results/types.js';

/** Where a results file's numbers came from: its runs' source, else what its backend produces. */
export function getResultsSource(results: Pick<ResultsFile, 'runs' | 'scenario'>): 'sim' | 'live' {
  return results.runs[0]?.source ?? (results.scenario.backend === 'sim' ? 'sim' : 'live');
}

/** The word after the scenario name in every headline: `(simulated)` for `lbbench sim`, nothing for a live run. */
export function getSourceTag(results: Pick<ResultsFile, 'runs' | 'scenario'>): string {
  return getResultsSource(results) === 'sim' ? ' (simulated)' : '';
}

/** What a reader must know about simulated figures; empty for a live run. */
export function getModelledNote(results: Pick<ResultsFile, 'runs' | 'scenario'>): string {
  return getResultsSource(results) === 'sim'
    ? 'Simulated by lbbench sim: request counts come from the proxy’s own balancers; latency and req/s are modelled, not measured.'
    : '';
}

/** Command-line flags that only choose where output goes or how it is judged, not what ran. */
const OUTPUT_ONLY_FLAGS = new Set(['--out', '--json', '--baseline', '--gate', '--keep', '--dry-run']);

/**
 * The flags of the recorded command that changed the run from what the scenario file says, e.g.
 * `--policies RANDOM --duration 3s`; empty when none did.
 */
export function describeCommandLineChanges(command: readonly string[]): string {
  const changes: string[] = [];
  for (let index = 0; index < command.length; index++) {
    const arg = command[index] ?? '';
    if (!arg.startsWith('--')) continue;
    const [flag = arg, inline] = arg.split(/=(.*)/s);
    const next = command[index + 1];
    const takesValue = inline === undefined && next !== undefined && !next.startsWith('--');
    if (takesValue) index++;
    if (OUTPUT_ONLY_FLAGS.has(flag)) continue;
    changes.push(inline !== undefined ? arg : takesValue ? `${flag} ${next}` : flag);
  }
  return changes.join(' ');
}
