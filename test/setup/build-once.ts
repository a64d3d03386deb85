import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveProxyMain } from 'lbbench-proxy';

/**
 * Integration tests run the real artefacts (the proxy program, worker threads, the CLI), and Node 20 cannot
 * run TypeScript: compile once before the suite, the proxy package first (`tsc -b` follows the project
 * reference; incremental, so an unchanged tree costs little).
 */
export default function buildOnce(): void {
  if (process.env.LBB_SKIP_BUILD !== '1') {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
  if (!existsSync(resolveProxyMain())) {
    throw new Error(`${resolveProxyMain()} not found: build the proxy package first (npm run build)`);
  }
}
