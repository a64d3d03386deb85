import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/parse-args.js';
import { UsageError } from '../../../src/errors.js';

describe('parseArgs', () => {
  it('defaults run to the quickstart scenario with no overrides', () => {
    expect(parseArgs(['run'])).toMatchObject({
      kind: 'run',
      scenarioPath: 'scenarios/quickstart.yaml',
      overrides: { replicas: undefined, gate: [] },
      flags: { keep: false, dryRun: false, json: false },
    });
  });

  it('maps every scenario flag to an override and collects repeated gates', () => {
    const parsed = parseArgs([
      'run',
      'scenarios/slow-pod.yaml',
      '--replicas=5',
      '--policies',
      'RANDOM,ROUND_ROBIN',
      '--duration',
      '3s',
      '--warmup',
      '0ms',
      '--connections',
      '20',
      '--rate',
      '500',
      '--generators',
      '2',
      '--seed',
      '9',
      '--repetitions',
      '3',
      '--concurrency',
      '2',
      '--proxy',
      'envoy',
      '--backend',
      'kind',
      '--gate',
      'RANDOM: cv <= 0.1',
      '--gate',
      '*: error_rate == 0',
      '--keep',
      '--dry-run',
      '--json',
      '--out',
      'o',
    ]);
    expect(parsed).toEqual({
      kind: 'run',
      scenarioPath: 'scenarios/slow-pod.yaml',
      overrides: {
        backend: 'kind',
        replicas: '5',
        policies: 'RANDOM,ROUND_ROBIN',
        duration: '3s',
        warmup: '0ms',
        connections: '20',
        rate: '500',
        generators: '2',
        seed: '9',
        repetitions: '3',
        concurrency: '2',
        proxy: 'envoy',
        gate: ['RANDOM: cv <= 0.1', '*: error_rate == 0'],
      },
      flags: {
        out: 'o',
        proxyCmd: undefined,
        proxyImage: undefined,
        lbbenchImage: undefined,
        context: undefined,
        keep: true,
        dryRun: true,
        baseline: undefined,
        json: true,
      },
    });
  });

  it('makes sim a run on the sim backend', () => {
    expect(parseArgs(['sim', 'scenarios/sim-100k.yaml'])).toMatchObject({
      kind: 'run',
      overrides: { backend: 'sim' },
    });
  });

  it.each([
    '--backend kind',
    '--backend sim',
    '--dry-run',
    '--keep',
    '--proxy-cmd envoy',
    '--context c',
    '--proxy-image i',
    '--proxy envoy',
  ])('refuses sim %s, which it would ignore, and says why', (flag) => {
    expect(() => parseArgs(['sim', ...flag.split(' ')])).toThrow(
      new RegExp(`lbbench sim does not take ${flag.split(' ')[0] ?? ''}: .* use lbbench run`),
    );
  });

  it('lists in sim --help only the options sim accepts', () => {
    const help = parseArgs(['sim', '--help']);
    expect(help.kind).toBe('info');
    const text = help.kind === 'info' ? help.text : '';
    for (const flag of [
      '--backend',
      '--dry-run',
      '--keep',
      '--proxy-cmd',
      '--context',
      '--proxy-image',
      '--proxy ',
    ]) {
      expect(text).not.toContain(flag);
    }
    expect(text).toContain('--seed');
    expect(text).toContain('--out');
  });

  it.each([
    [['report', 'r.json'], { kind: 'report', resultsPath: 'r.json', out: undefined }],
    [
      ['check', 'r.json', '--baseline', 'b.json', '--gate', 'RANDOM: cv < 1', '--junit', 'j.xml'],
      {
        kind: 'check',
        resultsPath: 'r.json',
        baseline: 'b.json',
        gates: ['RANDOM: cv < 1'],
        junit: 'j.xml',
        json: false,
        allowMismatch: false,
      },
    ],
    [['scenarios'], { kind: 'scenarios' }],
  ])('parses %j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });

  it('returns help and version as text to print', () => {
    expect(parseArgs(['--version'])).toEqual({ kind: 'info', text: '0.1.0\n' });
    const help = parseArgs([]);
    expect(help.kind === 'info' && help.text).toContain('Usage: lbbench');
  });

  it('gives sim its own examples and shows no empty default for the repeatable --gate', () => {
    const help = (argv: string[]): string => {
      const parsed = parseArgs(argv);
      return parsed.kind === 'info' ? parsed.text : '';
    };
    expect(help(['sim', '--help'])).toContain('lbbench sim scenarios/sim-100k.yaml');
    expect(help(['sim', '--help'])).not.toContain('lbbench run --backend kind');
    expect(help(['run', '--help'])).toContain('lbbench run --backend kind');
    expect(help(['run', '--help'])).not.toContain('(default: [])');
  });

  it.each([[['run', '--nope']], [['frobnicate']], [['report']]])('rejects %j as a usage error', (argv) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
  });
});
