import { dirname, resolve } from 'node:path';
import type { Scenario } from './types.js';

/**
 * The file of the scenario's `proxy.template`, resolved against the directory of the scenario file (the working
 * directory for a scenario built in code); undefined when the scenario uses lbbench's bundled template.
 */
export function resolveProxyTemplatePath(scenario: Scenario): string | undefined {
  const { template } = scenario.proxy;
  if (template === undefined) return undefined;
  const base = scenario.sourcePath === '' ? process.cwd() : dirname(resolve(scenario.sourcePath));
  return resolve(base, template);
}
