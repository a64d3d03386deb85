import { MIN_ACHIEVED_RATE_RATIO } from '../gates/offered-load-gate.js';
import type { ResultsFile, RunRecord } from '../results/types.js';
import { formatInteger } from '../load/progress-line.js';
import { numberRepetition, sortRuns } from './run-status.js';

/** Open-loop runs that reached less than {@link MIN_ACHIEVED_RATE_RATIO} of their requested rate. */
export function findUnderdrivenRuns(results: Pick<ResultsFile, 'runs' | 'scenario'>): RunRecord[] {
  return results.runs.filter(
    (run) => run.load.rateRps !== undefined && run.metrics.achieved_rate_ratio < MIN_ACHIEVED_RATE_RATIO,
  );
}

/**
 * One warning per open-loop run that fell short of its rate, e.g. `ROUND_ROBIN #1 reached 7,174 of 100,000
 * req/s (7%)`, then what that means; empty when every run reached its rate.
 */
export function describeUnderdrivenRuns(results: ResultsFile): string[] {
  const short = findUnderdrivenRuns({ ...results, runs: sortRuns(results) });
  if (short.length === 0) return [];
  const runs = short.map(
    (run) =>
      `${run.row} ${numberRepetition(run)} reached ${formatInteger(run.load.rps)} of ` +
      `${formatInteger(run.load.rateRps ?? 0)} req/s (${Math.round(run.metrics.achieved_rate_ratio * 100)}%)`,
  );
  return [
    `Offered load not reached: ${runs.join('; ')}. The load generator, not the proxy, set the pace, so these ` +
      `runs did not measure the requested load (bound: ${MIN_ACHIEVED_RATE_RATIO * 100}% of the rate, ` +
      'gate achieved_rate_ratio). Add connections, lower the rate, or gate achieved_rate_ratio lower on purpose.',
  ];
}

/**
 * Why requests counted as sent got no response, in agreement with the cross-check: when the proxy counted exactly
 * the client's responses, they never reached the proxy.
 */
export function explainUnanswered(runs: readonly RunRecord[]): string {
  const unansweredRuns = runs.filter((run) => run.load.requestsSent > run.load.responses);
  const unanswered = unansweredRuns.reduce((sum, run) => sum + run.load.requestsSent - run.load.responses, 0);
  if (unanswered === 0) return 'Every request sent in the measured window was answered.';
  const reachedProxy = unansweredRuns.some((run) => (run.crossCheck.proxyRqTotal ?? 0) > run.load.responses);
  if (!reachedProxy) {
    return (
      `${unanswered} requests in total were counted as sent but never answered, and the proxy's counters match ` +
      'the responses the client got: they never reached the proxy. The load generator queued them and could not ' +
      'send them in the measured window (it fell behind the requested rate), or they were still in flight when the load stopped.'
    );
  }
  return (
    `${unanswered} requests in total were sent but not answered inside the measured window (in flight when the ` +
    'load stopped, or failed); the proxy counted more requests than the client got responses for (see the cross-check).'
  );
}
