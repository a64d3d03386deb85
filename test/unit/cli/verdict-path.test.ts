import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../src/report/html.js';
import { renderJunitXml } from '../../../src/report/junit.js';
import { renderSummaryMarkdown } from '../../../src/report/summary-md.js';
import { renderTerminalSummary } from '../../../src/report/terminal-summary.js';
import { readResults } from '../../../src/results/read-results.js';
import { buildResults } from '../../../src/run/build-results.js';
import { judgeGates } from '../../../src/run/summarize-results.js';
import { loadFixture } from '../report/load-fixture.js';
import { captureCli } from './run-cli-io.js';

const NO_ASSETS = { vega: '', vegaLite: '', vegaEmbed: '' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lbbench-verdict-'));
  await copyFile(
    path.join(import.meta.dirname, '../../fixtures/results/quickstart-3-policies.json'),
    path.join(dir, 'live.json'),
  );
  const sim = await captureCli(
    ['sim', 'quickstart', '--duration', '1s', '--warmup', '0s', '--out', 'sim'],
    dir,
  );
  expect(sim.code).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('one verdict path', () => {
  it('a run that failed before any policy ran lists its gates as failed, as check does', async () => {
    const live = await loadFixture('quickstart-3-policies');
    const failed = buildResults({
      scenario: live.scenario,
      command: live.command,
      environment: live.environment,
      runs: [],
      status: 'failed',
      error: 'port 8080 is taken',
      createdAt: live.createdAt,
    });
    expect(failed.gates.length).toBeGreaterThan(0);
    expect(failed.gates.every((gate) => !gate.passed)).toBe(true);
    expect(failed.gates).toEqual(judgeGates(failed.scenario.gates, failed));
    const terminal = renderTerminalSummary(failed);
    expect(terminal).not.toContain('none declared');
    expect(terminal).toMatch(/gates: \d+ of \d+ failed/);
  });
});

describe('sim is labelled as sim everywhere', () => {
  it('in the headline, summary.md, the report and JUnit, with modelled figures marked', async () => {
    const results = await readResults(path.join(dir, 'sim', 'results.json'));
    expect(renderTerminalSummary(results)).toMatch(/^lbbench quickstart \(simulated\): /);
    expect(renderTerminalSummary(results)).toContain('p99 ms (modelled)');
    const markdown = renderSummaryMarkdown(results);
    expect(markdown).toMatch(/^## lbbench: quickstart \(simulated\)/);
    expect(markdown).toContain('p99 ms (modelled)');
    const html = renderReportHtml(results, NO_ASSETS);
    expect(html).toContain('<h1>lbbench report: quickstart (simulated)</h1>');
    expect(html).toContain('latency and req/s are modelled, not measured');
    const junit = renderJunitXml(results);
    expect(junit).toContain('<testsuites name="lbbench: quickstart (simulated)"');
    expect(junit).toContain('name="lbbench-sim.quickstart.ROUND_ROBIN"');
  });

  it('leaves a live run unlabelled', async () => {
    const live = await loadFixture('quickstart-3-policies');
    expect(renderTerminalSummary(live)).not.toContain('simulated');
    expect(renderTerminalSummary(live)).not.toContain('modelled');
    expect(renderJunitXml(live)).not.toContain('sim');
  });

  it('says "Complete" once, not "COMPLETE: Complete"', async () => {
    const live = await loadFixture('quickstart-3-policies');
    expect(renderSummaryMarkdown(live)).toContain('> ✓ Complete: all 3 runs finished.');
    expect(renderReportHtml(live, NO_ASSETS)).not.toMatch(/COMPLETE/);
  });

  it('numbers repetitions from #1 in the report and JUnit, as the progress lines do', async () => {
    const run = await captureCli(
      ['sim', 'quickstart', '--duration', '1s', '--warmup', '0s', '--repetitions', '2', '--out', 'reps'],
      dir,
    );
    expect(run.stderr).toContain('ROUND_ROBIN #1:');
    const results = await readResults(path.join(dir, 'reps', 'results.json'));
    expect(results.runs.map((entry) => entry.repetition)).toContain(0);
    const junit = renderJunitXml(results);
    expect(junit).toContain('ROUND_ROBIN #1: requests');
    expect(junit).toContain('ROUND_ROBIN #2: requests');
    expect(junit).not.toContain('#0');
    expect(renderReportHtml(results, NO_ASSETS)).not.toContain('#0<');
  });

  it('prints every latency with the same two decimals', async () => {
    const live = await loadFixture('quickstart-3-policies');
    const table = renderTerminalSummary(live).split('\n')[2] ?? '';
    expect(table).toMatch(/ 2\.00 +4\.00 /);
  });
});

describe('check --baseline', () => {
  it('refuses a baseline from another source with exit 2, naming both', async () => {
    const result = await captureCli(['check', 'sim/results.json', '--baseline', 'live.json'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the results are sim, the baseline is live');
    expect(result.stderr).toContain('--allow-mismatch');
  });

  it('with --allow-mismatch compares anyway and warns on stderr', async () => {
    const result = await captureCli(
      [
        'check',
        'sim/results.json',
        '--baseline',
        'live.json',
        '--allow-mismatch',
        '--gate',
        '*: jain >= baseline.jain - 0.01',
      ],
      dir,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: comparing with a baseline that is not like for like');
    expect(result.stdout).toContain('Against the baseline');
    expect(result.stdout).toContain('Simulated results');
  });

  it('accepts a like-for-like baseline silently', async () => {
    const result = await captureCli(['check', 'live.json', '--baseline', 'live.json'], dir);
    expect(result.stderr).toBe('');
    expect(JSON.parse(await readFile(path.join(dir, 'live.json'), 'utf8'))).toBeDefined();
  });
});

describe('an open loop that never reaches its rate', () => {
  it('fails its offered-load gate and is marked in the terminal, summary.md and the report', async () => {
    const live = await loadFixture('quickstart-3-policies');
    const runs = live.runs.map((run) => ({
      ...run,
      load: {
        ...run.load,
        mode: 'open' as const,
        rateRps: 100_000,
        rps: 7174,
        requestsSent: run.load.responses + 99_998,
      },
      metrics: { ...run.metrics, achieved_rate_ratio: 0.07174 },
      crossCheck: { ...run.crossCheck, proxyRqTotal: run.load.responses },
    }));
    const scenario = { ...live.scenario, load: { ...live.scenario.load, rateRps: 100_000 } };
    const results = buildResults({ ...live, scenario, runs });
    const offered = results.gates.filter((gate) => gate.metric === 'achieved_rate_ratio');
    expect(offered).toHaveLength(3);
    expect(offered.every((gate) => !gate.passed)).toBe(true);
    expect(renderTerminalSummary(results)).toContain('ROUND_ROBIN #1 reached 7,174 of 100,000 req/s (7%)');
    expect(renderSummaryMarkdown(results)).toContain('Offered load not reached');
    const html = renderReportHtml(results, NO_ASSETS);
    expect(html).toContain('Offered load not reached');
    expect(html).toContain('they never reached the proxy');
    expect(html).not.toContain('they appear in the proxy’s counters');
  });
});

describe('results files and the report subtitle', () => {
  it('reads a results file written before achieved_rate_ratio existed', async () => {
    const raw = JSON.parse(
      await readFile(
        path.join(import.meta.dirname, '../../fixtures/results/quickstart-3-policies.json'),
        'utf8',
      ),
    ) as { runs: { metrics: Record<string, unknown> }[]; summaries: { metrics: Record<string, unknown> }[] };
    for (const entry of [...raw.runs, ...raw.summaries]) delete entry.metrics.achieved_rate_ratio;
    await writeFile(path.join(dir, 'old.json'), JSON.stringify(raw));
    const result = await captureCli(['check', 'old.json'], dir);
    expect(result.code).toBe(0);
  });

  it('says in the subtitle which flags changed the run from the scenario description', async () => {
    const live = await loadFixture('quickstart-3-policies');
    const changed = {
      ...live,
      command: ['lbbench', 'run', '--policies', 'RANDOM', '--duration=3s', '--out', 'x'],
    };
    const html = renderReportHtml(changed, NO_ASSETS);
    expect(html).toMatch(
      /<p class="subtitle">[^<]*Changed on the command line: --policies RANDOM --duration=3s\.<\/p>/,
    );
    const plain = {
      ...live,
      command: ['lbbench', 'run', 'scenarios/quickstart.yaml', '--out', 'x', '--json'],
    };
    expect(renderReportHtml(plain, NO_ASSETS)).not.toContain('Changed on the command line');
  });
});
