import { parseArgs } from 'node:util';

import { UsageError } from '../errors.js';
import type { LoadSpec } from '../scenario/types.js';

/** Everything one load-generator process needs; `load` is the whole scenario's load, not this generator's share. */
export interface GeneratorConfig {
  /** Base URL of the proxy's traffic listener, e.g. `http://127.0.0.1:10000`; `load.path` is appended. */
  readonly url: string;
  readonly load: LoadSpec;
  readonly headers: Readonly<Record<string, string>>;
  /** The response header naming the pod, e.g. `x-upstream-pod`. */
  readonly podHeader: string;
  /** 0-based index of this generator among `generatorCount`. */
  readonly generatorIndex: number;
  readonly generatorCount: number;
  /**
   * Epoch ms at which every generator starts its measured window (after its own warm-up), or `stdin`: read it
   * from the first line of stdin once the warm-up is done (the local backend, which snapshots the proxy first).
   */
  readonly startAtMs: number | 'stdin';
  /** Write the report here instead of stdout. */
  readonly outputPath: string | undefined;
}

/** The usage text of `generator-main.js`. */
export const GENERATOR_USAGE = `Usage: node dist/src/load/generator-main.js --url URL --connections N --duration-ms MS --start-at EPOCH_MS [options]

Runs one of N autocannon load generators: its warm-up at once, then waits for --start-at, measures until
--start-at + --duration-ms and writes one JSON report (schemaVersion 1) to stdout or --output.
Progress goes to stderr as one JSON object a line: {"event":"ready"|"measure-start"|"tick"|"done",...}.

  --url URL               proxy traffic URL without the path, e.g. http://myapp-envoy.lbbench.svc:80
  --path PATH             request path (default /)
  --connections N         connections over ALL generators (closed loop; open loop: at most --rate)
  --rate RPS              open loop: requests per second over ALL generators
  --duration-ms MS        measured window
  --warmup-ms MS          warm-up before the window, not counted (default 0)
  --timeout-ms MS         per-request timeout, ≥ 1000 (default 10000)
  --header "Name: value"  extra request header (repeatable)
  --pod-header NAME       response header naming the pod (default x-upstream-pod)
  --generator-index I     this generator, 0-based (default 0)
  --generator-count N     generators in the run (default 1); each drives its share of connections and rate
  --start-at EPOCH_MS     when every generator starts measuring; "stdin": read it from stdin after the warm-up
  --output FILE           write the report to FILE instead of stdout`;

const DEFAULT_POD_HEADER = 'x-upstream-pod';
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Parses the generator's argv (without node and the script).
 * @throws UsageError naming the flag, the value and what is allowed.
 */
export function parseGeneratorArgs(argv: readonly string[]): GeneratorConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        path: { type: 'string', default: '/' },
        connections: { type: 'string' },
        rate: { type: 'string' },
        'duration-ms': { type: 'string' },
        'warmup-ms': { type: 'string', default: '0' },
        'timeout-ms': { type: 'string', default: String(DEFAULT_TIMEOUT_MS) },
        header: { type: 'string', multiple: true, default: [] },
        'pod-header': { type: 'string', default: DEFAULT_POD_HEADER },
        'generator-index': { type: 'string', default: '0' },
        'generator-count': { type: 'string', default: '1' },
        'start-at': { type: 'string' },
        output: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${GENERATOR_USAGE}`, { cause: error });
  }
  const generatorCount = readInteger('--generator-count', values['generator-count'], 1);
  const config: GeneratorConfig = {
    url: readUrl(values.url),
    load: {
      connections: readInteger('--connections', values.connections, 1),
      durationMs: readInteger('--duration-ms', values['duration-ms'], 1),
      warmupMs: readInteger('--warmup-ms', values['warmup-ms'], 0),
      rateRps: values.rate === undefined ? undefined : readInteger('--rate', values.rate, 1),
      timeoutMs: readInteger('--timeout-ms', values['timeout-ms'], 1000),
      path: readPath(values.path),
      generators: generatorCount,
    },
    headers: Object.fromEntries(values.header.map(readHeader)),
    podHeader: values['pod-header'],
    generatorIndex: readInteger('--generator-index', values['generator-index'], 0),
    generatorCount,
    startAtMs: values['start-at'] === 'stdin' ? 'stdin' : readInteger('--start-at', values['start-at'], 0),
    outputPath: values.output,
  };
  if (config.generatorIndex >= generatorCount) {
    throw new UsageError(
      `--generator-index must be < --generator-count (${generatorCount}), got ${config.generatorIndex}`,
    );
  }
  return config;
}

/** The argv that {@link parseGeneratorArgs} reads back as `config` (for the local processes and the Job's pods). */
export function buildGeneratorArgs(config: GeneratorConfig): string[] {
  const { load } = config;
  return [
    ...['--url', config.url, '--path', load.path],
    ...['--connections', String(load.connections)],
    ...(load.rateRps === undefined ? [] : ['--rate', String(load.rateRps)]),
    ...['--duration-ms', String(load.durationMs), '--warmup-ms', String(load.warmupMs)],
    ...['--timeout-ms', String(load.timeoutMs)],
    ...Object.entries(config.headers).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
    ...['--pod-header', config.podHeader],
    ...['--generator-index', String(config.generatorIndex)],
    ...['--generator-count', String(config.generatorCount)],
    ...['--start-at', String(config.startAtMs)],
    ...(config.outputPath === undefined ? [] : ['--output', config.outputPath]),
  ];
}

function readInteger(flag: string, value: string | undefined, min: number): number {
  if (value === undefined) {
    throw new UsageError(`${flag} is required\n\n${GENERATOR_USAGE}`);
  }
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function readUrl(value: string | undefined): string {
  if (value === undefined) {
    throw new UsageError(`--url is required\n\n${GENERATOR_USAGE}`);
  }
  const isHttp = URL.canParse(value) && new URL(value).protocol === 'http:';
  if (!isHttp) {
    throw new UsageError(`--url must be an http:// URL without a path, got ${JSON.stringify(value)}`);
  }
  return value.replace(/\/+$/, '');
}

function readPath(value: string): string {
  if (!value.startsWith('/')) {
    throw new UsageError(`--path must start with "/", got ${JSON.stringify(value)}`);
  }
  return value;
}

function readHeader(value: string): [string, string] {
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/.exec(value);
  if (match === null) {
    throw new UsageError(`--header must look like "Name: value", got ${JSON.stringify(value)}`);
  }
  return [match[1] as string, match[2] as string];
}
