import type { ResultsFile } from '../results/types.js';
import { KEY_METRIC_NAMES } from '../stats/types.js';
import { escapeHtml } from './html-escape.js';
import { formatFixed } from './format.js';
import { KEY_METRIC_DESCRIPTIONS, hasKeyFigures, readKeyMetrics } from './spec-data-keys.js';
import { listRunLabels } from './spec-data-rates.js';

const KEYS_NOTE =
  'A key’s majority pod is the pod that answered it most within a period. Under RANDOM (or any balancer that ' +
  'ignores the key) that pod is chance, so keys_moved then says how often chance picks another pod, not that keys ' +
  'had a home they lost. A period starts at the event, before the proxy’s next DNS refresh sees the new host set, so ' +
  'a key that moves splits between two pods there and key_affinity stays a little below 1 even for a consistent hash.';

function formatShare(value: number): string {
  return Number.isFinite(value) ? formatFixed(value, 3) : 'n/a';
}

/** Renders each run's key metrics with one line per metric, or says the scenario sent no keys. */
export function renderKeysSection(results: ResultsFile): string {
  if (!hasKeyFigures(results)) {
    return '<p>The scenario sends no keys (set <code>load.keys</code>), so key affinity is not measured.</p>';
  }
  const header = KEY_METRIC_NAMES.map((name) => `<th scope="col">${escapeHtml(name)}</th>`).join('');
  const rows = listRunLabels(results).map(({ run, label }) => {
    const metrics = readKeyMetrics(run);
    const cells = KEY_METRIC_NAMES.map((name) => `<td class="num">${formatShare(metrics[name])}</td>`);
    const figures = run.keyFigures;
    const detail =
      figures === undefined
        ? '–'
        : `${figures.keys} keys, ${figures.responses} keyed responses, hot pod ${figures.hotPod ?? '–'}`;
    return `<tr><th scope="row">${escapeHtml(label)}</th>${cells.join('')}<td class="notes">${escapeHtml(detail)}</td></tr>`;
  });
  const legend = KEY_METRIC_NAMES.map(
    (name) => `<li><code>${escapeHtml(name)}</code>: ${escapeHtml(KEY_METRIC_DESCRIPTIONS[name])}</li>`,
  );
  return `<div class="table-wrap"><table class="keys">
<thead><tr><th scope="col">run</th>${header}<th scope="col">keys</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
<ul class="legend">${legend.join('')}</ul>
<p class="legend">${escapeHtml(KEYS_NOTE)}</p>`;
}
