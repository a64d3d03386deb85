import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LbbenchError } from '../../../src/errors.js';
import { escapeHtml, renderInlineScript, serializeJsonForScript } from '../../../src/report/html-escape.js';
import { renderReportHtml, type ReportAssets } from '../../../src/report/html.js';
import type { ResultsFile } from '../../../src/results/types.js';
import { loadFixture } from './load-fixture.js';

const ASSETS: ReportAssets = {
  vega: 'window.vega = { version: "test" };',
  vegaLite: 'window.vegaLite = { version: "test" };',
  vegaEmbed: 'window.vegaEmbed = function () { return Promise.resolve(); };',
};

const INJECTION = '</script><img src=x onerror=alert(1)><!--';

interface ScriptTag {
  readonly attributes: string;
  readonly body: string;
}

function listScripts(html: string): ScriptTag[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((match) => ({
    attributes: match[1] ?? '',
    body: match[2] ?? '',
  }));
}

function readCsp(html: string): string {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
  return content.replaceAll('&#39;', "'");
}

function readEmbeddedJson(html: string, id: string): unknown {
  const script = listScripts(html).find((tag) => tag.attributes.includes(`id="${id}"`));
  return JSON.parse(script?.body ?? 'null') as unknown;
}

function withInjection(results: ResultsFile): ResultsFile {
  return {
    ...results,
    scenario: { ...results.scenario, name: `quick${INJECTION}`, description: `desc ${INJECTION}` },
    error: `boom ${INJECTION}`,
    command: ['lbbench', 'run', INJECTION],
    gates: results.gates.map((gate) => ({ ...gate, gate: `${gate.gate} ${INJECTION}`, error: INJECTION })),
    runs: results.runs.map((run) => ({
      ...run,
      hosts: run.hosts.map((host) => ({ ...host, pod: `${host.pod ?? ''}${INJECTION}` })),
      crossCheck: { ...run.crossCheck, notes: [INJECTION] },
      load: { ...run.load, generator: INJECTION },
    })),
  };
}

describe('renderReportHtml', () => {
  it('allows scripts only by sha256 hash and nothing from the network', async () => {
    const html = renderReportHtml(await loadFixture('quickstart-3-policies'), ASSETS);
    const csp = readCsp(html);
    const executable = listScripts(html).filter((tag) => !tag.attributes.includes('application/json'));
    expect(executable).toHaveLength(4);
    for (const tag of executable) {
      expect(csp).toContain(`'sha256-${createHash('sha256').update(tag.body).digest('base64')}'`);
    }
    expect(csp).toMatch(
      /^default-src 'none'; script-src ('sha256-[A-Za-z0-9+/=]+' ?){4}; style-src 'unsafe-inline'; img-src data:/,
    );
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:|\*/);
    expect(html).not.toMatch(/<(?:link|iframe|object|embed)\b|\ssrc=|url\(/i);
    expect(html).toContain('ast: true');
  });

  it('embeds the raw results so they can be read back, and the chart specs', async () => {
    const results = await loadFixture('slow-pod-repetitions-partial');
    const html = renderReportHtml(results, ASSETS);
    expect(readEmbeddedJson(html, 'lbbench-results')).toEqual(JSON.parse(JSON.stringify(results)));
    const specs = readEmbeddedJson(html, 'lbbench-specs') as { id: string }[];
    expect(specs.map((chart) => chart.id)).toEqual([
      'chart-shares',
      'chart-rate-heatmap',
      'chart-latency',
      'chart-fairness',
      'chart-cross-check',
    ]);
    for (const chart of specs) {
      expect(html).toContain(`<div id="${chart.id}" class="chart-view"></div>`);
    }
  });

  it('keeps names, errors, notes and commands from the results inert', async () => {
    const results = withInjection(await loadFixture('quickstart-3-policies'));
    const html = renderReportHtml(results, ASSETS);
    expect(html).not.toMatch(/<img/i);
    expect(html.split('<!--')).toHaveLength(2);
    expect(listScripts(html)).toHaveLength(6);
    expect(html.match(/<\/script>/g)).toHaveLength(6);
    expect(html).toContain('lbbench report: quick&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&lt;!--');
    expect(readEmbeddedJson(html, 'lbbench-results')).toMatchObject({
      scenario: { name: `quick${INJECTION}` },
    });
  });

  it('says clearly that a run is partial and which policy is missing', async () => {
    const html = renderReportHtml(await loadFixture('slow-pod-repetitions-partial'), ASSETS);
    expect(html).toContain('<section class="status status-partial" role="status"><p><strong>Partial results');
    expect(html).toContain('missing RANDOM (0 of 3 repetitions)');
    expect(html).toContain('interrupted (SIGINT) while deploying the proxy for RANDOM repetition 1');
    expect(html).toMatch(/<tr class="missing"><th scope="row">RANDOM<\/th><td class="num">0\/3<\/td>/);
    expect(html).toContain('✗ 2 of 4 gates failed.');
  });

  it('marks the best value per column and shows the reproduce command shell-quoted', async () => {
    const html = renderReportHtml(await loadFixture('slow-pod-repetitions-partial'), ASSETS);
    const rows = html.split('<tr>').filter((row) => row.startsWith('<th scope="row">'));
    const roundRobin = rows.find((row) => row.includes('ROUND_ROBIN</th><td class="num">3/3'));
    expect(roundRobin).toContain('<td class="num best"><strong>1.0000</strong>');
    const command = /<pre class="command"><code>([^<]*)<\/code><\/pre>/.exec(html)?.[1];
    expect(command).toBe(
      'lbbench run scenarios/slow-pod.yaml --repetitions 3 --gate &#39;LEAST_REQUEST: p99_ms &lt;= baseline.p99_ms * 1.2&#39; --baseline baselines/slow-pod.json',
    );
  });

  it('notes unanswered requests only when fewer responses than requests came back', async () => {
    const results = await loadFixture('quickstart-3-policies');
    const withLateResponses: ResultsFile = {
      ...results,
      runs: results.runs.map((run) => ({
        ...run,
        load: { ...run.load, responses: run.load.requestsSent + 3 },
      })),
    };
    const html = renderReportHtml(withLateResponses, ASSETS);
    expect(html).not.toContain('unanswered)');
    expect(html).toContain('Every request sent in the measured window was answered.');
  });

  it('renders a report without any finished run', async () => {
    const results = await loadFixture('slow-pod-repetitions-partial');
    const html = renderReportHtml({ ...results, status: 'failed', runs: [], summaries: [] }, ASSETS);
    expect(html).toContain('No run finished, so there is nothing to chart.');
    expect(readEmbeddedJson(html, 'lbbench-specs')).toEqual([]);
    expect(html).toContain('<strong>Failed: 0 of 9 runs finished');
  });
});

describe('escaping helpers', () => {
  it.each([
    ['<b>"x" & \'y\'</b>', '&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;'],
    ['plain', 'plain'],
  ])('escapeHtml(%j)', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it('serialises any JSON so that it parses back and cannot close its script element', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = serializeJsonForScript(value);
        expect(text).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it.each(['a</script>b', 'x<!--y', '<SCRIPT>'])('refuses to inline a script holding %j', (source) => {
    expect(() => renderInlineScript(source, 'test')).toThrow(LbbenchError);
  });
});
