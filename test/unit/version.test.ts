import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROXY_VERSION } from '../../proxy/src/version.js';
import { LBBENCH_VERSION } from '../../src/version.js';

describe('versions', () => {
  it('match package.json', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(LBBENCH_VERSION).toBe(manifest.version);
    expect(PROXY_VERSION).toBe(manifest.version);
  });
});
