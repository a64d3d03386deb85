#!/usr/bin/env node
// One load-generator process: the local backend starts N of them, the Kubernetes Job runs one per pod.
// Usage: see GENERATOR_USAGE in generator-args.ts. Exit codes as lbbench's: 0 ok, 2 usage, 4 internal, 130 interrupted.
import { writeFile } from 'node:fs/promises';

import { LbbenchError } from '../errors.js';
import { GENERATOR_USAGE, parseGeneratorArgs } from './generator-args.js';
import { readStartLine } from './read-start-line.js';
import { runGenerator } from './run-generator.js';

const EXIT_CODE_BY_CATEGORY = { usage: 2, environment: 3, aborted: 130, internal: 4 } as const;

/** Writes one progress or error event as a JSON line on stderr. */
function writeEvent(event: object): void {
  process.stderr.write(`${JSON.stringify(event)}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${GENERATOR_USAGE}\n`);
    return 0;
  }
  const controller = new AbortController();
  const abort = (): void => {
    controller.abort(new Error('interrupted'));
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    const config = parseGeneratorArgs(argv);
    const report = await runGenerator({
      config,
      signal: controller.signal,
      onEvent: writeEvent,
      readStartAtMs: (signal) => readStartLine(process.stdin, signal),
    });
    const json = `${JSON.stringify(report)}\n`;
    if (config.outputPath === undefined) process.stdout.write(json);
    else await writeFile(config.outputPath, json);
    writeEvent({ event: 'done', generatorIndex: config.generatorIndex });
    return 0;
  } catch (error) {
    const category = error instanceof LbbenchError ? error.category : 'internal';
    const message = error instanceof Error ? error.message : String(error);
    writeEvent({ event: 'error', category, message });
    return EXIT_CODE_BY_CATEGORY[category];
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

process.exitCode = await main(process.argv.slice(2));
