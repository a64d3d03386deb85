import { describe, expect, it } from 'vitest';

import { listSlowPodLabels } from '../../../src/report/slow-pod-labels.js';
import { buildRateHeatmapSpec, buildShareSpec } from '../../../src/report/spec-pods.js';
import { loadFixture } from './load-fixture.js';

const SLOW_POD = 'myapp-7c9d8f6b54-tx5wd';

/** The data rows and layers of a faceted layer spec, as the charts build them. */
function readSpec(spec: object): { rows: Record<string, unknown>[]; layers: Record<string, unknown>[] } {
  const { data, spec: inner } = spec as {
    data: { values: Record<string, unknown>[] };
    spec: { layer: Record<string, unknown>[] };
  };
  return { rows: data.values, layers: inner.layer };
}

describe('slow pods in the charts', () => {
  it('are the initial pods at the scenario’s slow indexes, by name and by address', async () => {
    const results = await loadFixture('slow-pod-repetitions-partial');
    expect(results.scenario.upstream.pods).toEqual([{ index: 2, delayMs: 5 }]);
    expect([...listSlowPodLabels(results)].sort()).toEqual(['127.0.1.3:8080', SLOW_POD]);
  });

  it('are outlined and labelled "slow" in every policy’s share chart', async () => {
    const { rows, layers } = readSpec(buildShareSpec(await loadFixture('slow-pod-repetitions-partial')));
    const slowRows = rows.filter((row) => row.kind === 'slow');
    expect(slowRows.map((row) => [row.policy, row.pod])).toEqual([
      ['ROUND_ROBIN', SLOW_POD],
      ['LEAST_REQUEST', SLOW_POD],
    ]);
    const pooled = rows.find(
      (row) => row.kind === 'pooled' && row.pod === SLOW_POD && row.policy === 'LEAST_REQUEST',
    );
    expect(slowRows[1]?.share).toBe(pooled?.share);
    const slowLayers = layers.filter((layer) => JSON.stringify(layer.transform).includes('"slow"'));
    expect(slowLayers.map((layer) => (layer.mark as { type: string }).type)).toEqual(['bar', 'text']);
    expect(JSON.stringify(slowLayers[1])).toContain('"text":{"value":"slow"}');
  });

  it('read "(slow)" on the heatmap’s pod axis', async () => {
    const spec = JSON.stringify(buildRateHeatmapSpec(await loadFixture('slow-pod-repetitions-partial')));
    expect(spec).toContain(`indexof([\\"${SLOW_POD}\\"], datum.value) >= 0 ? datum.value + ' (slow)'`);
  });

  it('are not marked in a scenario that slows no pod', async () => {
    const results = await loadFixture('quickstart-3-policies');
    expect(listSlowPodLabels(results).size).toBe(0);
    expect(readSpec(buildShareSpec(results)).rows.some((row) => row.kind === 'slow')).toBe(false);
    expect(JSON.stringify(buildRateHeatmapSpec(results))).not.toContain('(slow)');
  });
});

describe('the rate heatmap names where its counts come from', () => {
  it("says /clusters for proxy rows and adds the client's tally and HAProxy's stats when runs used them", async () => {
    const results = await loadFixture('quickstart-3-policies');
    const subtitle = (file: typeof results) => JSON.stringify(buildRateHeatmapSpec(file).title);
    expect(subtitle(results)).toContain("each sampling interval of the proxy's /clusters (rq_total deltas)");
    const [first, second, ...rest] = results.runs;
    const mixed = {
      ...results,
      runs: [
        { ...first!, counterSource: 'client-tally' as const },
        { ...second!, counterSource: 'haproxy-stats' as const },
        ...rest,
      ],
    };
    expect(subtitle(mixed)).toContain(
      "the client's X-Upstream-Pod tally or HAProxy's stats CSV or the proxy's /clusters (rq_total deltas)",
    );
  });
});
