import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

import ts from 'typescript';

/** Compiled copies of TypeScript entry files, for spawning them with plain `node` in tests. */
export interface CompiledEntries {
  readonly outDir: string;
  /** The compiled `.js` path of a source `.ts` path. */
  jsPathOf(tsPath: string): string;
  cleanup(): Promise<void>;
}

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const RELATIVE_IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+\.js)['"]/g;

/**
 * Transpiles `entries` and every file they import by relative path into a temp folder that mirrors the repo
 * layout (Node 20 cannot run `.ts`; `dist/` may not be built). Type-only checks are tsc's job, not this one's.
 */
export async function compileEntries(entries: readonly string[]): Promise<CompiledEntries> {
  const outDir = await mkdtemp(join(tmpdir(), 'lbbench-entries-'));
  const jsPathOf = (tsPath: string): string =>
    join(outDir, relative(REPO_ROOT, tsPath)).replace(/\.ts$/, '.js');
  const pending = entries.map((entry) => resolve(entry));
  const done = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (done.has(file)) {
      continue;
    }
    done.add(file);
    const source = await readFile(file, 'utf8');
    const output = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: false,
      },
      fileName: file,
    });
    await mkdir(dirname(jsPathOf(file)), { recursive: true });
    await writeFile(jsPathOf(file), output.outputText);
    for (const match of source.matchAll(RELATIVE_IMPORT)) {
      const specifier = match[1];
      if (specifier !== undefined) {
        pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      }
    }
  }
  await writeFile(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  return { outDir, jsPathOf, cleanup: () => rm(outDir, { recursive: true, force: true }) };
}

/** The repository's root folder. */
export function getRepoRoot(): string {
  return REPO_ROOT;
}
