import { parse, View, Warn, type Spec as VegaSpec } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { buildFairnessSpec } from '../../../src/report/spec-policies.js';
import { buildReportCharts } from '../../../src/report/spec.js';
import type { ResultsFile } from '../../../src/results/types.js';
import { FIXTURE_NAMES, loadFixture } from './load-fixture.js';

type LoggerOf<T> = T extends { logger?: infer L } ? L : never;
type Logger = LoggerOf<NonNullable<Parameters<typeof compile>[1]>>;

/** A vega/vega-lite logger that keeps warnings and errors instead of printing them. */
function createRecordingLogger(messages: string[]): Logger {
  const logger: Logger = {
    level(_level?: number) {
      return logger;
    },
    error: (...args: readonly unknown[]) => (messages.push(`error: ${args.map(String).join(' ')}`), logger),
    warn: (...args: readonly unknown[]) => (messages.push(`warn: ${args.map(String).join(' ')}`), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

function reverseOrder(results: ResultsFile): ResultsFile {
  return {
    ...results,
    runs: [...results.runs].reverse().map((run) => ({ ...run, hosts: [...run.hosts].reverse() })),
    summaries: [...results.summaries].reverse(),
    gates: [...results.gates].reverse(),
  };
}

describe.each(FIXTURE_NAMES)('chart specs of %s', (fixture) => {
  it('match the recorded spec JSON', async () => {
    for (const chart of buildReportCharts(await loadFixture(fixture))) {
      await expect(`${JSON.stringify(chart.spec, null, 2)}\n`).toMatchFileSnapshot(
        `./__snapshots__/${fixture}.${chart.id}.vl.json.snap`,
      );
    }
  });

  it('do not depend on the order of runs, hosts, summaries or gates', async () => {
    const results = await loadFixture(fixture);
    expect(buildReportCharts(reverseOrder(results))).toEqual(buildReportCharts(results));
  });

  it('compile with vega-lite and render with the CSP-safe interpreter without warnings', async () => {
    for (const chart of buildReportCharts(await loadFixture(fixture))) {
      const messages: string[] = [];
      const logger = createRecordingLogger(messages);
      const vegaSpec: VegaSpec = compile(chart.spec, { logger }).spec;
      const view = new View(parse(vegaSpec, undefined, { ast: true }), {
        renderer: 'none',
        expr: expressionInterpreter,
        logger,
        logLevel: Warn,
      });
      const svg = await view.toSVG();
      view.finalize();
      expect(messages, chart.id).toEqual([]);
      const size = /^<svg[^>]* width="([\d.]+)" height="([\d.]+)"/.exec(svg);
      expect(Number(size?.[1]), chart.id).toBeGreaterThan(100);
      expect(Number(size?.[2]), chart.id).toBeGreaterThan(100);
    }
  });
});

describe('buildReportCharts', () => {
  it.each([
    ['quickstart-3-policies', ['chart-shares', 'chart-rate-heatmap', 'chart-latency', 'chart-cross-check']],
    [
      'slow-pod-repetitions-partial',
      ['chart-shares', 'chart-rate-heatmap', 'chart-latency', 'chart-fairness', 'chart-cross-check'],
    ],
  ] as const)('lists the charts of %s, the fairness chart only with repetitions', async (fixture, ids) => {
    const results = await loadFixture(fixture);
    expect(buildReportCharts(results).map((chart) => chart.id)).toEqual(ids);
    expect(buildFairnessSpec(results) === undefined).toBe(!ids.includes('chart-fairness' as never));
  });

  it('labels the latency chart with the 1 ms resolution caveat', async () => {
    const chart = buildReportCharts(await loadFixture('quickstart-3-policies')).find(
      (entry) => entry.id === 'chart-latency',
    );
    expect(JSON.stringify(chart?.spec.title)).toContain('1 ms resolution');
  });
});
