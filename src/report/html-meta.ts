import type { ResultsFile } from '../results/types.js';
import { formatCommandLine, formatSeconds } from './format.js';
import { escapeHtml } from './html-escape.js';
import { describeCoverage, numberRepetition, sortRuns } from './run-status.js';
import { getModelledNote } from './source-label.js';
import { describeUnderdrivenRuns } from './offered-load.js';
import { describeRow } from '../scenario/describe-row.js';

/** Renders the status banner: complete, or partial/interrupted/failed with the missing policies and the error. */
export function renderStatusBanner(results: ResultsFile): string {
  const coverage = describeCoverage(results);
  const kind = coverage.isComplete ? 'complete' : results.status === 'failed' ? 'failed' : 'partial';
  const error = results.error === undefined ? '' : `<p class="status-error">${escapeHtml(results.error)}</p>`;
  const warning = coverage.isComplete
    ? ''
    : '<p>Charts and the verdict cover only the runs that finished; a missing policy is not a result.</p>';
  const sim = getModelledNote(results);
  const simNote =
    sim === '' ? '' : `<p class="status-sim"><strong>Simulated.</strong> ${escapeHtml(sim)}</p>`;
  const underdriven = describeUnderdrivenRuns(results)
    .map((text) => `<p class="status-error">${escapeHtml(text)}</p>`)
    .join('');
  return `<section class="status status-${kind}" role="status"><p><strong>${escapeHtml(coverage.headline)}</strong></p>${error}${warning}${underdriven}${simNote}</section>`;
}

function renderDefinitionList(entries: readonly (readonly [string, string])[]): string {
  return `<dl class="facts">${entries.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>`;
}

function describeScenario(results: ResultsFile): readonly (readonly [string, string])[] {
  const scenario = results.scenario;
  const load = scenario.load;
  const loadText =
    load.rateRps === undefined
      ? `closed loop, ${load.connections} connections`
      : `open loop, ${load.rateRps} req/s over ${load.connections} connections`;
  const slowPods = scenario.upstream.pods.map((pod) => `pod ${pod.index} +${pod.delayMs} ms`).join(', ');
  return [
    ['scenario', `${scenario.name}${scenario.sourcePath === '' ? '' : ` (${scenario.sourcePath})`}`],
    ['backend', scenario.backend],
    ['replicas', String(scenario.replicas)],
    ['rows', scenario.policies.map(describeRow).join('; ')],
    ['repetitions', String(scenario.repetitions)],
    ['seed', String(scenario.seed)],
    [
      'load',
      `${loadText}; ${formatSeconds(load.durationMs)} measured after ${formatSeconds(load.warmupMs)} warm-up; path ${load.path}`,
    ],
    [
      'proxy',
      `${scenario.proxy.kind}, concurrency ${scenario.proxy.concurrency}, dns_refresh_rate ${scenario.proxy.dnsRefreshRateMs} ms, respect_dns_ttl ${scenario.proxy.respectDnsTtl}`,
    ],
    [
      'upstream',
      `${scenario.upstream.server}, added delay ${scenario.upstream.delayMs} ms${slowPods === '' ? '' : `; ${slowPods}`}`,
    ],
    [
      'events',
      scenario.events.length === 0
        ? 'none'
        : scenario.events.map((event) => `${event.action} at ${formatSeconds(event.atMs)}`).join(', '),
    ],
  ];
}

function describeEnvironment(results: ResultsFile): readonly (readonly [string, string])[] {
  const env = results.environment;
  const proxies = [
    ...new Set(
      sortRuns(results).map((run) => `${run.proxy.kind} ${run.proxy.version}: ${run.proxy.command}`),
    ),
  ];
  return [
    ['lbbench', results.tool.version],
    ['created', results.createdAt],
    ['backend', env.backend.backend],
    ['upstream server', env.backend.upstreamServer],
    ...Object.keys(env.backend.details)
      .sort()
      .map((key): [string, string] => [key, env.backend.details[key] ?? '']),
    ['node', env.node],
    ['os', env.os],
    ['cpu', `${env.cpuCount} × ${env.cpuModel}`],
    ['proxy', proxies.length === 0 ? 'no run finished' : proxies.join('\n')],
  ];
}

function renderEvents(results: ResultsFile): string {
  const events = sortRuns(results).flatMap((run) =>
    run.events.map(
      (event) =>
        `${run.row} ${numberRepetition(run)}: ${event.action} at ${formatSeconds(event.appliedAtMs)}: ${event.detail}`,
    ),
  );
  if (events.length === 0) {
    return '';
  }
  return `<h3>Events applied</h3><ul>${events.map((text) => `<li>${escapeHtml(text)}</li>`).join('')}</ul>`;
}

/** Renders the run metadata: the scenario as resolved, environment, versions, and the events applied. */
export function renderMetadataSection(results: ResultsFile): string {
  return `<div class="columns"><div><h3>Scenario (as resolved)</h3>${renderDefinitionList(describeScenario(results))}</div>
<div><h3>Environment and versions</h3>${renderDefinitionList(describeEnvironment(results))}</div></div>
${renderEvents(results)}
<details><summary>Full scenario JSON</summary><pre>${escapeHtml(JSON.stringify(results.scenario, null, 2))}</pre></details>`;
}

/** Renders how to reproduce the run: the exact command, shell-quoted. */
export function renderReproduceSection(results: ResultsFile): string {
  const command =
    results.command.length === 0 ? '(the command was not recorded)' : formatCommandLine(results.command);
  return `<pre class="command"><code>${escapeHtml(command)}</code></pre>
<p>The raw results are embedded in this file (<code>&lt;script type="application/json" id="lbbench-results"&gt;</code>), so the report can be rendered again from this file alone.</p>`;
}
