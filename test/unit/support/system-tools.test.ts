import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkSystemTool, findOnPath, requireSystemTool } from '../../support/system-tools.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('checkSystemTool', () => {
  it('reports whether the tool is there outside CI', () => {
    vi.stubEnv('CI', '');
    expect(checkSystemTool('nginx', true)).toBe(true);
    expect(checkSystemTool('nginx', false)).toBe(false);
  });

  it('fails a missing tool under CI=true, naming it', () => {
    vi.stubEnv('CI', 'true');
    expect(checkSystemTool('envsubst', true)).toBe(true);
    expect(() => checkSystemTool('envsubst', false)).toThrow(
      /^envsubst is not installed; .*broken install step/,
    );
  });
});

describe('requireSystemTool', () => {
  it('skips the test when the tool is missing outside CI', () => {
    vi.stubEnv('CI', '');
    const skip = vi.fn();
    requireSystemTool({ skip }, 'xmllint', true);
    expect(skip).not.toHaveBeenCalled();
    requireSystemTool({ skip }, 'xmllint', false);
    expect(skip).toHaveBeenCalledWith('xmllint is not installed; test skipped (CI installs it)');
  });

  it('fails the test instead under CI=true', () => {
    vi.stubEnv('CI', 'true');
    const skip = vi.fn();
    expect(() => {
      requireSystemTool({ skip }, 'chromium', false);
    }).toThrow(/chromium is not installed/);
    expect(skip).not.toHaveBeenCalled();
  });
});

describe('findOnPath', () => {
  it('finds sh and not a made-up name', () => {
    expect(findOnPath('sh')).toMatch(/\/sh$/);
    expect(findOnPath('lbbench-no-such-tool')).toBeUndefined();
  });
});
