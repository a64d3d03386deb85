import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHIM_DIR = fileURLToPath(new URL('../../../fixtures/bin/', import.meta.url));

/** One line of the shim log: the tool, its argv and working directory (plus the kind config / stdin). */
export interface ShimCall {
  readonly tool: string;
  readonly argv: string[];
  readonly cwd: string;
  readonly config?: string;
  readonly stdin?: string;
}

/**
 * A temporary bin folder holding only the chosen shims (from test/fixtures/bin) and `node`, to be used as
 * the whole PATH, so a tool left out is really missing. `env` carries PATH and LBB_SHIM_LOG.
 */
export async function makeShimPath(tools: readonly ('kind' | 'docker' | 'kubectl')[]) {
  const dir = await mkdtemp(join(tmpdir(), 'lbbench-shims-'));
  const log = join(dir, 'calls.jsonl');
  await writeFile(log, '');
  await symlink(process.execPath, join(dir, 'node'));
  for (const tool of tools) {
    await symlink(join(SHIM_DIR, tool), join(dir, tool));
  }
  return {
    dir,
    env: { PATH: dir, LBB_SHIM_LOG: log },
    /** The recorded calls, in order. */
    readCalls: async (): Promise<ShimCall[]> =>
      (await readFile(log, 'utf8'))
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as ShimCall),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `tool argv…` of each call, for order assertions. */
export function toLines(calls: readonly ShimCall[]): string[] {
  return calls.map((call) => [call.tool, ...call.argv].join(' '));
}
