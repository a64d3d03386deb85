/** One command-line flag: its commander syntax, help text (with unit and default), and where it goes. */
export interface FlagSpec {
  readonly flags: string;
  readonly description: string;
  readonly isRepeatable?: boolean;
}

/** Flags that override a scenario field; their names match `ScenarioOverrides`. */
export const SCENARIO_FLAGS = {
  backend: {
    flags: '--backend <kind>',
    description: 'where pods and proxy run: local | kind | kube | sim (scenario: backend)',
  },
  replicas: { flags: '--replicas <n>', description: 'myapp pods, 1-250 (scenario: replicas)' },
  policies: {
    flags: '--policies <list>',
    description:
      'comma-separated rows: row names of the scenario (LR-3), lb_policy names, CLUSTER_IP, haproxy:leastconn, nginx:least_conn, e.g. ROUND_ROBIN,RANDOM (scenario: policies)',
  },
  duration: {
    flags: '--duration <time>',
    description: 'measured load per run, e.g. 10s (scenario: load.duration)',
  },
  warmup: {
    flags: '--warmup <time>',
    description: 'load before measuring, excluded from counts, e.g. 2s (scenario: load.warmup)',
  },
  connections: {
    flags: '--connections <n>',
    description: 'concurrent client connections (scenario: load.connections)',
  },
  rate: {
    flags: '--rate <rps>',
    description: 'open loop at this many requests/s instead of closed loop (scenario: load.rate)',
  },
  generators: {
    flags: '--generators <n>',
    description:
      'load-generator processes (kind/kube: Job pods), each driving its share (scenario: load.generators)',
  },
  seed: {
    flags: '--seed <n>',
    description: 'base seed: pod names, proxy balancer seeds, simulator (scenario: seed)',
  },
  repetitions: {
    flags: '--repetitions <n>',
    description: 'runs per policy; gates use the median (scenario: repetitions)',
  },
  concurrency: {
    flags: '--concurrency <n>',
    description: 'proxy worker threads; Envoy defaults to the core count (scenario: proxy.concurrency)',
  },
  proxy: {
    flags: '--proxy <kind>',
    description: 'lbbench (bundled proxy) | envoy (real Envoy, kind/kube) (scenario: proxy.kind)',
  },
  gate: {
    flags: '--gate <expression>',
    description: 'extra CI gate, repeatable, e.g. "ROUND_ROBIN: jain >= 0.999" or "*: error_rate == 0"',
    isRepeatable: true,
  },
} as const satisfies Record<string, FlagSpec>;

/** Flags of `lbbench run` (and `sim`) that are not scenario fields. */
export const RUN_FLAGS = {
  out: {
    flags: '--out <dir>',
    description:
      'output folder, refused when it already holds results (default: a fresh reports/<timestamp>-<scenario>/)',
  },
  proxyCmd: {
    flags: '--proxy-cmd <command>',
    description: 'local backend: run this Envoy-compatible command instead of lbbench-proxy, e.g. "envoy"',
  },
  proxyImage: { flags: '--proxy-image <image>', description: 'kind/kube: proxy image the cluster can pull' },
  lbbenchImage: {
    flags: '--lbbench-image <image>',
    description:
      'kube: lbbench image the cluster can pull, for the load Job and delayed pods (scenario: kube.image)',
  },
  context: { flags: '--context <name>', description: 'kube: kubeconfig context (default: the current one)' },
  keep: { flags: '--keep', description: 'kind: keep the cluster after the run' },
  dryRun: { flags: '--dry-run', description: 'kind/kube: print every command and manifest, touch nothing' },
  baseline: {
    flags: '--baseline <results.json>',
    description: 'results to compare gates against (baseline.<metric>)',
  },
  json: { flags: '--json', description: 'print a machine-readable summary (schemaVersion 1) on stdout' },
} as const satisfies Record<string, FlagSpec>;

/** The scenario flags `lbbench sim` accepts: it has no backend and simulates only the bundled proxy's balancers. */
export const SIM_SCENARIO_FLAGS = {
  replicas: SCENARIO_FLAGS.replicas,
  policies: SCENARIO_FLAGS.policies,
  duration: {
    flags: '--duration <time>',
    description:
      'simulated load per run, e.g. 10s; refused when the scenario sets sim.requests (scenario: load.duration)',
  },
  warmup: SCENARIO_FLAGS.warmup,
  connections: SCENARIO_FLAGS.connections,
  rate: SCENARIO_FLAGS.rate,
  seed: SCENARIO_FLAGS.seed,
  repetitions: SCENARIO_FLAGS.repetitions,
  concurrency: SCENARIO_FLAGS.concurrency,
  gate: SCENARIO_FLAGS.gate,
} as const satisfies Record<string, FlagSpec>;

/** The flags of `lbbench sim` that are not scenario fields: no backend, so none of the backend's options. */
export const SIM_RUN_FLAGS = {
  out: RUN_FLAGS.out,
  baseline: RUN_FLAGS.baseline,
  json: RUN_FLAGS.json,
} as const satisfies Record<string, FlagSpec>;

/** Flags of `lbbench check`. */
export const CHECK_FLAGS = {
  baseline: RUN_FLAGS.baseline,
  allowMismatch: {
    flags: '--allow-mismatch',
    description: 'compare with a baseline of another source (sim vs live) or another scenario anyway',
  },
  gate: SCENARIO_FLAGS.gate,
  junit: {
    flags: '--junit <file>',
    description: 'also write the gate verdicts as JUnit XML (folders are created)',
  },
  json: RUN_FLAGS.json,
} as const satisfies Record<string, FlagSpec>;

const EXIT_CODES_HELP =
  'Exit codes: 0 ok, 1 a gate failed, 2 usage or scenario error, 3 environment error, 4 internal error, 130 interrupted.';

/** The examples at the end of `lbbench run --help`. */
export const RUN_EXAMPLES = `
Examples:
  lbbench run                                   the quickstart: 3 pods, 3 policies, 10 s each, report in reports/
  lbbench run scenarios/slow-pod.yaml           one pod 20 ms slower: does LEAST_REQUEST avoid it?
  lbbench run --policies RANDOM --duration 30s  one policy, longer
  lbbench run --backend kind                    the same on a kind cluster (needs kind and Docker)
  lbbench run --gate "RANDOM: cv <= 3 * null_cv" --repetitions 5

${EXIT_CODES_HELP}`;

/** The examples at the end of `lbbench sim --help`. */
export const SIM_EXAMPLES = `
Examples:
  lbbench sim                                   the quickstart in the simulator: same seed, same numbers
  lbbench sim scenarios/sim-100k.yaml           10 pods, 100,000 requests per policy
  lbbench sim scenarios/ci-gates.yaml --seed 7  the CI gates on another seed

${EXIT_CODES_HELP}`;
