import { describe, expect, it } from 'vitest';
import { renderTerminalSummary } from '../../../src/report/terminal-summary.js';
import { FIXTURE_NAMES, loadFixture } from './load-fixture.js';

describe('renderTerminalSummary', () => {
  it.each(FIXTURE_NAMES)('matches the recorded table of %s', async (name) => {
    await expect(renderTerminalSummary(await loadFixture(name))).toMatchFileSnapshot(
      `./__snapshots__/${name}.terminal.txt`,
    );
  });

  it('right-aligns every number under its header', async () => {
    const lines = renderTerminalSummary(await loadFixture('quickstart-3-policies')).split('\n');
    const header = lines[1] ?? '';
    const end = header.indexOf('req/s') + 'req/s'.length;
    expect(lines.slice(2, 5).map((line) => line.slice(end - 4, end))).toEqual(['4184', '4177', '4235']);
  });

  it.each([
    ['quickstart-3-policies', 'RANDOM          1/1     42354', 'gates: all 4 passed'],
    ['slow-pod-repetitions-partial', 'RANDOM          0/3   not run', 'gates: 2 of 4 failed'],
  ] as const)('lists every policy of %s and the gate tally', async (name, row, tally) => {
    const text = renderTerminalSummary(await loadFixture(name));
    expect(text).toContain(row);
    expect(text).toContain(tally);
  });

  it('adds ANSI colours only when asked', async () => {
    const results = await loadFixture('slow-pod-repetitions-partial');
    // eslint-disable-next-line no-control-regex -- looking for ANSI escapes
    const ansi = /\u001B\[/;
    expect(renderTerminalSummary(results)).not.toMatch(ansi);
    const colored = renderTerminalSummary(results, { color: true });
    expect(colored).toContain('\u001B[31m✗ 1/2\u001B[0m');
    expect(colored).toContain('\u001B[33mPartial results');
    const plainLines = renderTerminalSummary(results).split('\n');
    // eslint-disable-next-line no-control-regex -- stripping ANSI escapes
    expect(colored.replace(/\u001B\[\d+m/g, '').split('\n')).toEqual(plainLines);
  });
});
