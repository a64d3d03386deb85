import type { ResultsFile } from '../results/types.js';
import { formatMs } from './format.js';

/**
 * The report's one-line reading: which row spread requests most evenly (highest median Jain index, CV as the
 * tie-break) and which had the lowest median p99. Undefined with fewer than two rows, where there is nothing to
 * compare.
 */
export function describeReading(results: ResultsFile): string | undefined {
  const rows = results.summaries
    .map((summary) => ({
      name: summary.row,
      jain: summary.metrics.jain.median,
      cv: summary.metrics.cv.median,
      p99Ms: summary.metrics.p99_ms.median,
    }))
    .filter((row) => Number.isFinite(row.jain) && Number.isFinite(row.p99Ms));
  if (rows.length < 2) return undefined;
  const mostEven = rows.reduce((best, row) =>
    row.jain > best.jain || (row.jain === best.jain && row.cv < best.cv) ? row : best,
  );
  const fastest = rows.reduce((best, row) => (row.p99Ms < best.p99Ms ? row : best));
  return (
    `Most even spread: ${mostEven.name} (Jain ${mostEven.jain.toFixed(4)}, CV ${mostEven.cv.toFixed(3)}). ` +
    `Lowest p99: ${fastest.name} (${formatMs(fastest.p99Ms)} ms).`
  );
}
