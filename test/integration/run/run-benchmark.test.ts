import { existsSync } from 'node:fs';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { findNginx } from '../../../src/backends/local/upstream-server.js';
import type { ResultsFile } from '../../../src/results/types.js';
import { createLocalTestScenario } from '../../support/local-scenario.js';
import { checkReportInBrowser, hasChromium } from '../../support/browser.js';
import { checkSystemTool, requireSystemTool } from '../../support/system-tools.js';
import { runLocalBenchmark } from '../../support/run-local.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';

describe('runBenchmark on the local backend', () => {
  it.for(['nginx', 'node'] as const)(
    'with %s pods, Σ rq_total deltas = completed requests = X-Upstream-Pod tally for every policy',
    async (server, context) => {
      if (server === 'nginx') requireSystemTool(context, 'nginx', (await findNginx()) !== undefined);
      const scenario = createLocalTestScenario({
        policies: [envoyRow('ROUND_ROBIN'), envoyRow('LEAST_REQUEST'), envoyRow('RANDOM')],
        load: {
          connections: 8,
          durationMs: 1000,
          warmupMs: 300,
          rateRps: undefined,
          timeoutMs: 5000,
          path: '/',
          generators: 1,
        },
        upstream: { server, delayMs: 0, pods: [] },
        gates: [{ row: 'ROUND_ROBIN', expression: 'max_over_mean <= 1.01', origin: 'scenario' }],
      });
      const { results, outDir } = await runLocalBenchmark(scenario);

      expect(results.status).toBe('complete');
      expect(results.environment.backend.upstreamServer).toContain(server === 'nginx' ? 'nginx/' : 'node');
      expect(results.runs.map((run) => run.row)).toEqual(['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM']);
      for (const run of results.runs) {
        const proxyTotal = run.hosts.reduce((sum, host) => sum + host.delta.rq_total, 0);
        const tally = Object.values(run.load.podTally).reduce((sum, count) => sum + count, 0);
        expect(run.load.responses).toBeGreaterThan(0);
        expect(proxyTotal).toBe(run.load.responses);
        expect(tally).toBe(run.load.responses);
        expect(run.crossCheck).toMatchObject({ isConsistent: true, notes: [] });
        // Every Ready pod is a host of its own, and the client saw exactly what the proxy counted per pod.
        expect(run.hosts).toHaveLength(3);
        for (const host of run.hosts) expect(host.clientResponses).toBe(host.delta.rq_total);
      }
      expect(results.gates).toEqual([expect.objectContaining({ policy: 'ROUND_ROBIN', passed: true })]);
      for (const file of ['results.json', 'report.html', 'summary.md', 'junit.xml']) {
        expect(existsSync(path.join(outDir, file))).toBe(true);
      }
      const written = JSON.parse(await readFile(path.join(outDir, 'results.json'), 'utf8')) as ResultsFile;
      expect(written.runs).toHaveLength(3);
      if (checkSystemTool('chromium', hasChromium())) {
        const page = await checkReportInBrowser(path.join(outDir, 'report.html'));
        expect([...page.pageErrors, ...page.consoleMessages]).toEqual([]);
        expect(page.requests).toEqual([page.fileUrl]);
        expect(page.chartSizes.every((size) => size.width > 0 && size.height > 0)).toBe(true);
      }
    },
  );

  it('records a pod killed mid-run: it keeps its counts, leaves the DNS answer, and the report says what happened', async () => {
    const scenario = createLocalTestScenario({
      policies: [envoyRow('ROUND_ROBIN')],
      load: {
        connections: 4,
        durationMs: 2500,
        warmupMs: 0,
        rateRps: undefined,
        timeoutMs: 5000,
        path: '/',
        generators: 1,
      },
      proxy: { ...createLocalTestScenario().proxy, dnsRefreshRateMs: 200 },
      events: [{ atMs: 800, action: 'kill', pod: 2 }],
    });
    const { results } = await runLocalBenchmark(scenario);
    const [run] = results.runs;
    expect(run?.events).toEqual([
      expect.objectContaining({
        action: 'kill',
        pod: 2,
        detail: expect.stringMatching(/^killed myapp-/) as string,
      }),
    ]);
    const killed = run?.hosts.find((host) => !host.presentAtEnd);
    // Counted up to the snapshot taken right before the kill. Requests answered between that snapshot and the kill
    // taking effect (killing a process takes milliseconds, in which each connection may finish several requests)
    // and requests reset by the kill make the two views differ by a few per connection, or a few per cent.
    expect(killed?.delta.rq_total).toBeGreaterThan(0);
    expect(Math.abs(killed!.delta.rq_total - killed!.clientResponses)).toBeLessThanOrEqual(
      Math.max(2 * scenario.load.connections, 0.05 * killed!.clientResponses),
    );
    expect(run?.hosts.filter((host) => host.presentAtEnd)).toHaveLength(2);
  });

  it('starts every policy from the initial pods although each run scales up and kills a pod', async () => {
    const scenario = createLocalTestScenario({
      policies: [envoyRow('ROUND_ROBIN'), envoyRow('LEAST_REQUEST'), envoyRow('RANDOM')],
      load: {
        connections: 4,
        durationMs: 1500,
        warmupMs: 0,
        rateRps: undefined,
        timeoutMs: 5000,
        path: '/',
        generators: 1,
      },
      proxy: { ...createLocalTestScenario().proxy, dnsRefreshRateMs: 200 },
      events: [
        { atMs: 300, action: 'scale', replicas: 5 },
        { atMs: 800, action: 'kill', pod: 1 },
      ],
    });
    const { results } = await runLocalBenchmark(scenario);
    expect(results.status).toBe('complete');
    expect(results.runs.map((run) => [run.row, run.seed])).toEqual([
      ['ROUND_ROBIN', 7],
      ['LEAST_REQUEST', 8],
      ['RANDOM', 9],
    ]);
    const killed: string[] = [];
    for (const run of results.runs) {
      expect(run.initialPods).toHaveLength(3);
      // Exactly the initial pods at the window's start: none killed earlier, none left from an earlier scale-up.
      const atStart = run.hosts.filter((host) => host.presentAtStart).map((host) => host.pod);
      expect(atStart.sort()).toEqual(run.initialPods.map((pod) => pod.name).sort());
      expect(run.events.map((event) => event.detail)).toEqual([
        'scaled myapp from 3 to 5 replicas',
        `killed ${run.initialPods[1]!.name} (${run.initialPods[1]!.address.split(':')[0]!})`,
      ]);
      for (const name of killed) expect(run.initialPods.map((pod) => pod.name)).not.toContain(name);
      killed.push(run.initialPods[1]!.name);
    }
  });
});
