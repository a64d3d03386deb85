import path from 'node:path';
import { loadScenario, listBundledScenarios } from '../scenario/load-scenario.js';
import { getPackageRoot } from '../package-root.js';
import type { CliIo } from './cli-io.js';
import { EXIT_CODES } from './exit-codes.js';

/** `lbbench scenarios`: the bundled scenarios with their descriptions. */
export async function runScenariosCommand(io: CliIo): Promise<number> {
  const files = await listBundledScenarios();
  const rows = await Promise.all(
    files.map(async (file) => {
      const scenario = await loadScenario(path.join(getPackageRoot(), file));
      return `  ${file.padEnd(30)} ${scenario.backend.padEnd(6)} ${scenario.description}`;
    }),
  );
  io.stdout.write(`Bundled scenarios (lbbench run FILE):\n${rows.join('\n')}\n`);
  return EXIT_CODES.ok;
}
