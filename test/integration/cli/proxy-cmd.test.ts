import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveProxyMain } from 'lbbench-proxy';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ResultsFile } from '../../../src/results/types.js';
import { runCliProcess } from '../../support/cli-process.js';

describe('lbbench run --proxy-cmd', () => {
  it('runs another Envoy-compatible binary from the v3 template, its DNS server in the config as Envoy needs', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'lbbench-proxy-cmd-'));
    onTestFinished(() => rm(out, { recursive: true, force: true }));
    // lbbench-proxy stands in for an `envoy` binary: it gets exactly what a real Envoy would get.
    const command = `"${process.execPath}" "${resolveProxyMain()}"`;
    const { code, stderr } = await runCliProcess(
      [
        'run',
        '--proxy-cmd',
        command,
        '--policies',
        'ROUND_ROBIN',
        '--duration',
        '1s',
        '--warmup',
        '0ms',
        '--out',
        out,
      ],
      { cwd: os.tmpdir() },
    );
    expect(code, stderr).toBe(0);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    const [run] = results.runs;
    expect(run?.proxy.kind).toBe('custom');
    expect(run?.proxy.command).toContain(resolveProxyMain());
    expect(run?.crossCheck.isConsistent).toBe(true);
    const config = await readFile(path.join(out, 'local', 'proxy-1-ROUND_ROBIN.yaml'), 'utf8');
    expect(config).toContain('typed_dns_resolver_config');
    expect(config).toContain('load_assignment');
  });
});
