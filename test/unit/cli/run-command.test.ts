import { describe, expect, it } from 'vitest';
import { applyRunFlags, getDefaultOutDir, splitCommand } from '../../../src/cli/run-command.js';
import type { RunFlags } from '../../../src/cli/parse-args.js';
import { UsageError } from '../../../src/errors.js';
import type { Scenario } from '../../../src/scenario/types.js';
import { createLocalTestScenario } from '../../support/local-scenario.js';

const NO_FLAGS: RunFlags = {
  out: undefined,
  proxyCmd: undefined,
  proxyImage: undefined,
  lbbenchImage: undefined,
  context: undefined,
  keep: false,
  dryRun: false,
  baseline: undefined,
  json: false,
};

const onBackend = (backend: Scenario['backend']): Scenario => createLocalTestScenario({ backend });

describe('run command helpers', () => {
  it.each([
    ['envoy', ['envoy']],
    ['envoy --base-id 7', ['envoy', '--base-id', '7']],
    ['"/opt/my envoy/bin" -l "debug level"', ['/opt/my envoy/bin', '-l', 'debug level']],
    ["node '/x y/main.js'", ['node', '/x y/main.js']],
  ])('splits %j', (text, argv) => {
    expect(splitCommand(text)).toEqual(argv);
  });

  it('puts --proxy-cmd, --proxy-image, --lbbench-image and --context into the scenario', () => {
    expect(
      applyRunFlags(onBackend('local'), { ...NO_FLAGS, proxyCmd: 'envoy -l info' }).proxy.command,
    ).toEqual(['envoy', '-l', 'info']);
    const kube = applyRunFlags(onBackend('kube'), {
      ...NO_FLAGS,
      proxyImage: 'registry/lbbench-proxy:1',
      lbbenchImage: 'registry/lbbench:1',
      context: 'prod',
    });
    expect(kube.proxy.image).toBe('registry/lbbench-proxy:1');
    expect(kube.kube.image).toBe('registry/lbbench:1');
    expect(kube.kube.context).toBe('prod');
  });

  it.each([
    ['local', { proxyImage: 'x' }, '--proxy-image only applies to kind and kube, but the backend is "local"'],
    ['kind', { proxyCmd: 'envoy' }, '--proxy-cmd only applies to the local backend'],
    ['local', { keep: true }, '--keep only applies to the kind backend'],
    ['local', { dryRun: true }, '--dry-run only applies to kind and kube'],
    ['kind', { context: 'c' }, '--context only applies to the kube backend'],
    ['kind', { lbbenchImage: 'i' }, '--lbbench-image only applies to the kube backend'],
    ['local', { proxyCmd: '   ' }, '--proxy-cmd must name a command'],
  ] as const)('on %s rejects %j', (backend, flags, message) => {
    expect(() => applyRunFlags(onBackend(backend), { ...NO_FLAGS, ...flags })).toThrow(UsageError);
    expect(() => applyRunFlags(onBackend(backend), { ...NO_FLAGS, ...flags })).toThrow(message);
  });

  it('names the default output folder after the time and the scenario', () => {
    expect(getDefaultOutDir('/work', 'quickstart', new Date(Date.UTC(2026, 10, 25, 18, 5, 9)))).toBe(
      '/work/reports/20261125-180509-quickstart',
    );
  });
});
