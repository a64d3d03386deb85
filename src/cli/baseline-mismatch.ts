import { UsageError } from '../errors.js';
import { getResultsSource } from '../report/source-label.js';
import type { ResultsFile } from '../results/types.js';

/** The ways a baseline is not like for like with the results: another source, scenario, or shape of load. */
export function findBaselineMismatches(
  results: Pick<ResultsFile, 'runs' | 'scenario'>,
  baseline: Pick<ResultsFile, 'runs' | 'scenario'>,
): string[] {
  const mismatches: string[] = [];
  const [source, baselineSource] = [getResultsSource(results), getResultsSource(baseline)];
  if (source !== baselineSource) {
    mismatches.push(`the results are ${source}, the baseline is ${baselineSource}`);
  }
  const compare = (what: string, value: unknown, baselineValue: unknown): void => {
    if (JSON.stringify(value) !== JSON.stringify(baselineValue)) {
      mismatches.push(`${what}: ${JSON.stringify(value)} vs baseline ${JSON.stringify(baselineValue)}`);
    }
  };
  compare('scenario', results.scenario.name, baseline.scenario.name);
  compare('replicas', results.scenario.replicas, baseline.scenario.replicas);
  compare('load.connections', results.scenario.load.connections, baseline.scenario.load.connections);
  compare(
    'load.rate',
    results.scenario.load.rateRps ?? 'closed loop',
    baseline.scenario.load.rateRps ?? 'closed loop',
  );
  return mismatches;
}

/**
 * Refuses a baseline that is not like for like (exit 2) unless `allow`; when allowed, returns the warning lines to
 * print instead.
 */
export function checkBaseline(
  results: Pick<ResultsFile, 'runs' | 'scenario'>,
  baseline: Pick<ResultsFile, 'runs' | 'scenario'>,
  allow: boolean,
): string[] {
  const mismatches = findBaselineMismatches(results, baseline);
  if (mismatches.length === 0) return [];
  const list = mismatches.join('; ');
  if (!allow) {
    throw new UsageError(`the baseline is not comparable: ${list}. Pass --allow-mismatch to compare anyway.`);
  }
  return [`warning: comparing with a baseline that is not like for like: ${list}`];
}
