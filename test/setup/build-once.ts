import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Integration tests run the real artefacts (`dist/proxy/src/main.js`, worker threads, the CLI), and Node 20
 * cannot run TypeScript: compile once before the suite (incremental, so an unchanged tree costs little).
 */
export default function buildOnce(): void {
  if (process.env.LBB_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
