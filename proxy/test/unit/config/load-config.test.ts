import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProxyConfig } from '../../../src/config/load-config.js';
import { ProxyConfigError } from '../../../src/config/proxy-config-error.js';

describe('loadProxyConfig', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'lbbench-proxy-config-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads a file and expands the given environment', async () => {
    const path = join(directory, 'envoy.yaml');
    const template = new URL('../../../envoy.yaml.tmpl', import.meta.url);
    await writeFile(path, await readFile(template, 'utf8'));
    const config = await loadProxyConfig(path, { ENVOY_LB_ALG: 'MAGLEV', SERVICE_NAME: 'myapp.default' });
    expect(config.clusters[0]?.lbPolicy).toBe('MAGLEV');
    expect(config.clusters[0]?.endpoints[0]?.address).toBe('myapp.default');
  });

  it('names a missing file', async () => {
    const path = join(directory, 'missing.yaml');
    const error: unknown = await loadProxyConfig(path, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProxyConfigError);
    expect((error as ProxyConfigError).message).toBe(
      `${path}: cannot read the config file: it does not exist (ENOENT); pass an existing file with -c`,
    );
    expect((error as ProxyConfigError).cause).toBeInstanceOf(Error);
  });

  it('names a directory passed as the file', async () => {
    const error: unknown = await loadProxyConfig(directory, {}).catch((caught: unknown) => caught);
    expect((error as ProxyConfigError).message).toBe(
      `${directory}: cannot read the config file: it is a directory (EISDIR); pass a YAML file with -c`,
    );
  });

  it('names the file in validation errors', async () => {
    const path = join(directory, 'bad.yaml');
    await writeFile(path, 'admin: {}\n');
    const error: unknown = await loadProxyConfig(path, {}).catch((caught: unknown) => caught);
    expect((error as ProxyConfigError).message).toBe(
      `${path}: admin.address: is required; must be {socket_address: {address: <IP>, port_value: <port>}}`,
    );
  });
});
