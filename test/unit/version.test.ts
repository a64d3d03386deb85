import { readFileSync } from 'node:fs';
import { PROXY_VERSION } from 'lbbench-proxy';
import { describe, expect, it } from 'vitest';
import { LBBENCH_VERSION } from '../../src/version.js';

interface Manifest {
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
}

function readManifest(relativePath: string): Manifest {
  return JSON.parse(readFileSync(new URL(relativePath, import.meta.url), 'utf8')) as Manifest;
}

describe('versions', () => {
  it('match the package.json of each package, and lbbench pins the proxy it bundles', () => {
    const harness = readManifest('../../package.json');
    const proxy = readManifest('../../proxy/package.json');
    expect(LBBENCH_VERSION).toBe(harness.version);
    expect(PROXY_VERSION).toBe(proxy.version);
    expect(harness.dependencies['lbbench-proxy']).toBe(proxy.version);
  });
});
