import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, formatCodeSpan, renderSummaryMarkdown } from '../../../src/report/summary-md.js';
import { FIXTURE_NAMES, loadFixture } from './load-fixture.js';

function tableCells(line: string): string[] {
  return line
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((cell) => cell.trim());
}

describe('renderSummaryMarkdown', () => {
  it.each(FIXTURE_NAMES)('matches the recorded summary of %s', async (name) => {
    await expect(renderSummaryMarkdown(await loadFixture(name))).toMatchFileSnapshot(
      `./__snapshots__/${name}.summary.md.snap`,
    );
  });

  it.each([
    ['ROUND_ROBIN', ['ROUND\\_ROBIN', '3/3', '30615', '**1.0000** ★']],
    ['LEAST_REQUEST', ['LEAST\\_REQUEST', '3/3', '41117', '0.9055']],
    ['RANDOM', ['RANDOM', '0/3', '_not run_']],
  ])('writes the verdict row of %s', async (policy, prefix) => {
    const markdown = renderSummaryMarkdown(await loadFixture('slow-pod-repetitions-partial'));
    const row = markdown.split('\n').find((line) => line.startsWith(`| ${policy.replace('_', '\\_')} |`));
    expect(tableCells(row ?? '').slice(0, prefix.length)).toEqual(prefix);
    expect(tableCells(row ?? '')).toHaveLength(17);
  });

  it('states the status, the failed gates and every cross-check difference', async () => {
    const markdown = renderSummaryMarkdown(await loadFixture('slow-pod-repetitions-partial'));
    expect(markdown).toContain(
      '> ⚠ Partial results: 6 of 9 runs finished; missing RANDOM (0 of 3 repetitions).',
    );
    expect(markdown).toContain('✗ 2 of 4 gates failed.');
    expect(markdown).toContain(
      '| ✗ | `LEAST_REQUEST: max_over_mean <= 1.10` | LEAST\\_REQUEST | 1.23153 | `<=` 1.1 |  |',
    );
    expect(markdown).toContain('- ROUND\\_ROBIN #2: proxy rq\\_total exceeds client 2xx by 4');
  });

  it('keeps table rows intact and HTML inert when names hold pipes, markup and backticks', async () => {
    const results = await loadFixture('quickstart-3-policies');
    const hostile = 'a|b <img src=x onerror=1> `tick` *bold*';
    const markdown = renderSummaryMarkdown({
      ...results,
      scenario: { ...results.scenario, name: hostile },
      gates: results.gates.map((gate) => ({ ...gate, gate: hostile, error: hostile })),
    });
    const outsideCode = markdown.replace(/(?<![\\`])(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g, '');
    expect(outsideCode).not.toMatch(/(?<!\\)<img/);
    expect(outsideCode).toContain('\\<img');
    expect(markdown).toContain('``a\\|b <img src=x onerror=1> `tick` *bold*``');
    for (const line of markdown.split('\n').filter((text) => text.startsWith('| ✓ |'))) {
      expect(tableCells(line)).toHaveLength(6);
    }
  });
});

describe('markdown escaping', () => {
  it.each([
    ['a|b', 'a\\|b'],
    ['<b>', '\\<b\\>'],
    ['snake_case *x*', 'snake\\_case \\*x\\*'],
    ['two\nlines', 'two lines'],
  ])('escapeMarkdown(%j) = %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it.each([
    ['plain', '`plain`'],
    ['has ` tick', '``has ` tick``'],
    ['`edge`', '`` `edge` ``'],
    ['a|b', '`a\\|b`'],
  ])('formatCodeSpan(%j) = %j', (input, expected) => {
    expect(formatCodeSpan(input)).toBe(expected);
  });

  it('never leaves an unescaped pipe or angle bracket', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(escapeMarkdown(text)).not.toMatch(/(?<!\\)[|<>]/);
      }),
    );
  });
});
