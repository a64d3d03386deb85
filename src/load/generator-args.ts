import { parseArgs } from 'node:util';

import { UsageError } from '../errors.js';
import type { KeySpec, LoadSpec } from '../scenario/types.js';
import { KEY_DISTRIBUTIONS } from '../scenario/types.js';

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
  /** With `load.keys`: the run's seed (each generator derives its own key stream) and the key tally's periods. */
  readonly keyDraw?: KeyDraw | undefined;
}

/** How a generator draws and tallies the keys of `load.keys`. */
export interface KeyDraw {
  /** The run's seed; generator i draws from `deriveKeySeed(runSeed, i)`. */
  readonly runSeed: number;
  /** Where the key tally's periods end, ms after the measured start (the host-set events' times). */
  readonly periodBoundariesMs: readonly number[];
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
  --output FILE           write the report to FILE instead of stdout
  --keys-header NAME      send every request with a key in this header (lowercase), drawn as below
  --keys-count N          distinct keys user-1 … user-N
  --keys-distribution D   zipf or uniform (default zipf)
  --keys-exponent S       zipf exponent > 0 (zipf only)
  --keys-seed SEED        the run's seed; generator I draws its keys from a stream derived from SEED and I
  --keys-periods-ms LIST  comma-separated ms after the measured start where the key tally starts a new period`;

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
        'keys-header': { type: 'string' },
        'keys-count': { type: 'string' },
        'keys-distribution': { type: 'string', default: 'zipf' },
        'keys-exponent': { type: 'string' },
        'keys-seed': { type: 'string', default: '0' },
        'keys-periods-ms': { type: 'string', default: '' },
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
      keys: readKeys(values),
    },
    headers: Object.fromEntries(values.header.map(readHeader)),
    podHeader: values['pod-header'],
    generatorIndex: readInteger('--generator-index', values['generator-index'], 0),
    generatorCount,
    startAtMs: values['start-at'] === 'stdin' ? 'stdin' : readInteger('--start-at', values['start-at'], 0),
    outputPath: values.output,
    keyDraw:
      values['keys-header'] === undefined
        ? undefined
        : {
            runSeed: readInteger('--keys-seed', values['keys-seed'], 0),
            periodBoundariesMs: readPeriods(values['keys-periods-ms']),
          },
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
    ...buildKeyArgs(load.keys, config.keyDraw),
  ];
}

function buildKeyArgs(keys: KeySpec | undefined, draw: KeyDraw | undefined): string[] {
  if (keys === undefined) return [];
  return [
    ...['--keys-header', keys.header, '--keys-count', String(keys.count)],
    ...['--keys-distribution', keys.distribution],
    ...(keys.exponent === undefined ? [] : ['--keys-exponent', String(keys.exponent)]),
    ...['--keys-seed', String(draw?.runSeed ?? 0)],
    ...['--keys-periods-ms', (draw?.periodBoundariesMs ?? []).join(',')],
  ];
}

interface KeyFlagValues {
  readonly 'keys-header'?: string | undefined;
  readonly 'keys-count'?: string | undefined;
  readonly 'keys-distribution': string;
  readonly 'keys-exponent'?: string | undefined;
}

function readKeys(values: KeyFlagValues): KeySpec | undefined {
  const header = values['keys-header'];
  if (header === undefined) return undefined;
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(header)) {
    throw new UsageError(`--keys-header must be a lowercase HTTP header name, got ${JSON.stringify(header)}`);
  }
  const distribution = KEY_DISTRIBUTIONS.find((name) => name === values['keys-distribution']);
  if (distribution === undefined) {
    throw new UsageError(
      `--keys-distribution must be ${KEY_DISTRIBUTIONS.join(' or ')}, got ${JSON.stringify(values['keys-distribution'])}`,
    );
  }
  return {
    header,
    count: readInteger('--keys-count', values['keys-count'], 1),
    distribution,
    exponent: distribution === 'zipf' ? readExponent(values['keys-exponent']) : undefined,
  };
}

function readExponent(value: string | undefined): number {
  const parsed = value === undefined ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new UsageError(`--keys-exponent must be a number > 0 for zipf keys, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function readPeriods(value: string): number[] {
  if (value === '') return [];
  return value.split(',').map((part) => readInteger('--keys-periods-ms', part, 0));
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
