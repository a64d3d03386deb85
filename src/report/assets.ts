import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LbbenchError } from '../errors.js';
import type { ReportAssets } from './html.js';

/** The browser builds inlined into the report: package and file inside it. */
const BROWSER_BUILDS = {
  vega: { packageName: 'vega', file: 'build/vega.min.js' },
  vegaLite: { packageName: 'vega-lite', file: 'build/vega-lite.min.js' },
  vegaEmbed: { packageName: 'vega-embed', file: 'build/vega-embed.min.js' },
} as const;

const SOURCE_MAP_COMMENT = /\n?\/\/# sourceMappingURL=\S+\s*$/;

const REINSTALL_HINT = 'reinstall the dependencies (npm ci)';

/** Finds a package's root folder from its resolved entry (their `exports` hide the browser builds). */
async function findPackageRoot(packageName: string): Promise<string> {
  let folder: string;
  try {
    folder = path.dirname(createRequire(import.meta.url).resolve(packageName));
  } catch (error) {
    throw new LbbenchError('LBB_INTERNAL', `cannot find the ${packageName} package; ${REINSTALL_HINT}`, {
      cause: error,
    });
  }
  for (;;) {
    const manifest = await readFile(path.join(folder, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest !== undefined && (JSON.parse(manifest) as { name?: unknown }).name === packageName) {
      return folder;
    }
    const parent = path.dirname(folder);
    if (parent === folder) {
      throw new LbbenchError(
        'LBB_INTERNAL',
        `cannot find the package folder of ${packageName}; ${REINSTALL_HINT}`,
      );
    }
    folder = parent;
  }
}

async function readBrowserBuild(
  build: (typeof BROWSER_BUILDS)[keyof typeof BROWSER_BUILDS],
): Promise<string> {
  const file = path.join(await findPackageRoot(build.packageName), build.file);
  try {
    const source = await readFile(file, 'utf8');
    return source.replace(SOURCE_MAP_COMMENT, '\n');
  } catch (error) {
    throw new LbbenchError(
      'LBB_INTERNAL',
      `cannot read the ${build.packageName} browser build at ${file}; ${REINSTALL_HINT}`,
      { cause: error },
    );
  }
}

/** Reads the minified vega, vega-lite and vega-embed browser builds from node_modules, source-map comments removed. */
export async function loadReportAssets(): Promise<ReportAssets> {
  const [vega, vegaLite, vegaEmbed] = await Promise.all([
    readBrowserBuild(BROWSER_BUILDS.vega),
    readBrowserBuild(BROWSER_BUILDS.vegaLite),
    readBrowserBuild(BROWSER_BUILDS.vegaEmbed),
  ]);
  return { vega, vegaLite, vegaEmbed };
}
