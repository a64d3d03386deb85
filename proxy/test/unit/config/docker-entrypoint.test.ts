import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../../src/config/parse-config.js';
import { requireEnvsubst } from '../../support/require-envsubst.js';

const ENTRYPOINT = fileURLToPath(new URL('../../../docker-entrypoint.sh', import.meta.url));
const TEMPLATES = {
  v2: fileURLToPath(new URL('../../../envoy.yaml.tmpl', import.meta.url)),
  v3: fileURLToPath(new URL('../../../envoy-v3.yaml.tmpl', import.meta.url)),
};
// Records its arguments one per line, standing in for lbbench-proxy.
const STUB = '#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/args.txt"\n';

describe('docker-entrypoint.sh', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'lbbench-entrypoint-'));
    writeFileSync(join(directory, 'stub-proxy'), STUB);
    chmodSync(join(directory, 'stub-proxy'), 0o755);
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function runEntrypoint(env: Readonly<Record<string, string>>, args: readonly string[] = []) {
    return spawnSync('sh', [ENTRYPOINT, ...args], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ENVOY_CONFIG: join(directory, 'envoy.yaml'),
        LBBENCH_PROXY_BIN: join(directory, 'stub-proxy'),
        ...env,
      },
    });
  }

  it.for(['v2', 'v3'] as const)(
    'renders the %s template with envsubst and execs the proxy with it',
    (shape, context) => {
      requireEnvsubst(context);
      const env = { ENVOY_LB_ALG: 'RING_HASH', SERVICE_NAME: 'myapp' };
      const result = runEntrypoint({ ...env, ENVOY_TEMPLATE: TEMPLATES[shape], ENVOY_CONCURRENCY: '4' }, [
        '-l',
        'debug',
      ]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const configPath = join(directory, 'envoy.yaml');
      expect(result.stdout).toContain(`docker-entrypoint: rendering ${TEMPLATES[shape]} -> ${configPath}`);
      expect(readFileSync(join(directory, 'args.txt'), 'utf8').split('\n')).toEqual([
        '-c',
        configPath,
        '--concurrency',
        '4',
        '-l',
        'debug',
        '',
      ]);
      const rendered = readFileSync(configPath, 'utf8');
      expect(rendered).not.toContain('${');
      const fromEntrypoint = parseProxyConfig(rendered, { file: configPath, env: {} });
      const fromTemplate = parseProxyConfig(readFileSync(TEMPLATES[shape], 'utf8'), { file: 'tmpl', env });
      expect(fromEntrypoint.apiVersion).toBe(shape);
      expect(fromEntrypoint.clusters).toEqual(fromTemplate.clusters);
      expect(fromEntrypoint.listeners).toEqual(fromTemplate.listeners);
    },
  );

  it('substitutes only ENVOY_LB_ALG and SERVICE_NAME and passes no --concurrency by default', (context) => {
    requireEnvsubst(context);
    const template = join(directory, 'custom.tmpl');
    writeFileSync(template, 'lb_policy: ${ENVOY_LB_ALG}\nother: ${HOME} $SERVICE_NAME\n');
    const result = runEntrypoint({
      ENVOY_TEMPLATE: template,
      ENVOY_LB_ALG: 'RANDOM',
      HOME: '/root',
      SERVICE_NAME: 'x',
    });
    expect(result.status).toBe(0);
    expect(readFileSync(join(directory, 'envoy.yaml'), 'utf8')).toBe('lb_policy: RANDOM\nother: ${HOME} x\n');
    expect(readFileSync(join(directory, 'args.txt'), 'utf8')).toBe(`-c\n${join(directory, 'envoy.yaml')}\n`);
  });

  it.each([
    ['unset', {}],
    ['empty', { SERVICE_NAME: '' }],
  ])('refuses to start when a variable the template uses is %s', (_case, extra) => {
    const result = runEntrypoint({ ENVOY_TEMPLATE: TEMPLATES.v3, ENVOY_LB_ALG: 'RANDOM', ...extra });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `docker-entrypoint: environment variable SERVICE_NAME is not set (or empty) but ${TEMPLATES.v3} uses it\n`,
    );
    expect(() => readFileSync(join(directory, 'args.txt'))).toThrow(/ENOENT/);
  });

  it('names a missing template', () => {
    const result = runEntrypoint({ ENVOY_TEMPLATE: join(directory, 'nope.tmpl') });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`cannot read the template ${join(directory, 'nope.tmpl')}`);
  });
});
