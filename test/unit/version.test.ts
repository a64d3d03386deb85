import { readFileSync } from 'node:fs';
import { PROXY_VERSION } from 'lbbench-proxy';
import { describe, expect, it } from 'vitest';
import { LBBENCH_VERSION } from '../../src/version.js';

interface Manifest {
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
}

interface Lockfile {
  readonly packages: Readonly<Record<string, { readonly version?: string }>>;
}

function readJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(new URL(relativePath, import.meta.url), 'utf8'));
}

const readManifest = (relativePath: string): Manifest => readJson(relativePath) as Manifest;
const readLockfile = (relativePath: string): Lockfile => readJson(relativePath) as Lockfile;

describe('versions', () => {
  it('match the package.json of each package, and lbbench pins the proxy it bundles', () => {
    const harness = readManifest('../../package.json');
    const proxy = readManifest('../../proxy/package.json');
    expect(LBBENCH_VERSION).toBe(harness.version);
    expect(PROXY_VERSION).toBe(proxy.version);
    expect(harness.dependencies['lbbench-proxy']).toBe(proxy.version);
  });

  it("pins the proxy image's dependencies to the versions the workspace lockfile resolves", () => {
    const workspace = readLockfile('../../package-lock.json').packages;
    const image = Object.entries(readLockfile('../../proxy/npm-shrinkwrap.json').packages).filter(
      ([path]) => path !== '',
    );
    expect(image.length).toBeGreaterThan(0);
    for (const [path, entry] of image) expect(entry.version, path).toBe(workspace[path]?.version);
  });
});
