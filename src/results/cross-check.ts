import type { CounterSourceKind } from '../backends/backend.js';
import type { CrossCheck, HostRecord, LoadRecord } from './types.js';

/**
 * Compares the proxy's view of a measured window (`/clusters` deltas) with the client's (autocannon's status
 * counts and the `X-Upstream-Pod` tally). For a clean closed-loop run all three agree exactly; every difference is
 * reported with its likely cause, never hidden. A row counted from the client's tally has no proxy view: only the
 * tally is checked against the client's 2xx, and the check records which counters the row had.
 */
export function computeCrossCheck(
  hosts: readonly HostRecord[],
  load: LoadRecord,
  counters: CounterSourceKind,
): CrossCheck {
  const notes: string[] = [];
  const proxy = counters === 'client-tally' ? undefined : compareWithProxy(hosts, load, notes);
  const clientHeaderTally = Object.values(load.podTally).reduce((sum, count) => sum + count, 0);
  if (clientHeaderTally !== load.status2xx) {
    notes.push(
      `${load.status2xx - clientHeaderTally} 2xx response(s) carried no known X-Upstream-Pod header ` +
        '(the pods must add it: nginx `add_header X-Upstream-Pod $hostname always`)',
    );
  }
  if (load.untallied > 0 && load.non2xx > 0) {
    notes.push(`${load.untallied} response(s) had no pod header, e.g. the proxy's own 503/504 replies`);
  }
  return {
    counters,
    proxyRqTotal: proxy?.rqTotal,
    proxyRqSuccess: proxy?.rqSuccess,
    client2xx: load.status2xx,
    clientHeaderTally,
    isConsistent: notes.length === 0,
    notes,
  };
}

/** The proxy's totals, with a note in `notes` for each difference from the client's counts. */
function compareWithProxy(
  hosts: readonly HostRecord[],
  load: LoadRecord,
  notes: string[],
): { readonly rqTotal: number; readonly rqSuccess: number } {
  const rqTotal = hosts.reduce((sum, host) => sum + host.delta.rq_total, 0);
  const rqSuccess = hosts.reduce((sum, host) => sum + host.delta.rq_success, 0);
  if (rqTotal !== load.responses) {
    const difference = rqTotal - load.responses;
    notes.push(
      difference > 0
        ? `the proxy forwarded ${difference} more request(s) than the client got responses for: retries, or requests whose client connection closed mid-flight`
        : `the client got ${-difference} more response(s) than the proxy forwarded: local replies (503/504) that never reached a pod`,
    );
  }
  if (rqSuccess !== load.status2xx) {
    notes.push(
      `the proxy counted ${rqSuccess} non-5xx upstream response(s), the client ${load.status2xx} 2xx: ` +
        'non-2xx responses from pods, or responses lost on the way back',
    );
  }
  return { rqTotal, rqSuccess };
}
