/** Stable machine-readable codes for every error lbbench raises on purpose. */
export type ErrorCode =
  | 'LBB_USAGE'
  | 'LBB_SCENARIO_INVALID'
  | 'LBB_PROXY_CONFIG_INVALID'
  | 'LBB_GATE_INVALID'
  | 'LBB_RESULTS_INVALID'
  | 'LBB_TOOL_MISSING'
  | 'LBB_COMMAND_FAILED'
  | 'LBB_CLUSTER'
  | 'LBB_PORT_TAKEN'
  | 'LBB_PROXY'
  | 'LBB_COLLECT'
  | 'LBB_ABORTED'
  | 'LBB_INTERNAL';

/** What kind of failure an error is, which decides the exit code in `cli/main.ts`. */
export type ErrorCategory = 'usage' | 'environment' | 'aborted' | 'internal';

const CATEGORY_BY_CODE: Readonly<Record<ErrorCode, ErrorCategory>> = {
  LBB_USAGE: 'usage',
  LBB_SCENARIO_INVALID: 'usage',
  LBB_PROXY_CONFIG_INVALID: 'usage',
  LBB_GATE_INVALID: 'usage',
  LBB_RESULTS_INVALID: 'usage',
  LBB_TOOL_MISSING: 'environment',
  LBB_COMMAND_FAILED: 'environment',
  LBB_CLUSTER: 'environment',
  LBB_PORT_TAKEN: 'environment',
  LBB_PROXY: 'environment',
  LBB_COLLECT: 'environment',
  LBB_ABORTED: 'aborted',
  LBB_INTERNAL: 'internal',
};

/** Base class of every error lbbench throws on purpose; `code` is stable, `message` is for people. */
export class LbbenchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** The category that maps to an exit code. */
  get category(): ErrorCategory {
    return CATEGORY_BY_CODE[this.code];
  }
}

/** One problem found in an input file: where it is, what was found, and what is allowed. */
export interface InputIssue {
  /** Dotted field path inside the file, e.g. `load.connections` or `policies[1]`. */
  readonly path: string;
  /** What is wrong and what is allowed, e.g. `must be an integer ≥ 1, got "ten" (string)`. */
  readonly message: string;
}

/** Formats input issues as `file: path: message` lines, the shape every validation error uses. */
export function formatInputIssues(file: string, issues: readonly InputIssue[]): string {
  return issues
    .map((issue) => `${file}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`)
    .join('\n');
}

/** A scenario file or CLI override that is wrong; raised before anything starts. */
export class ScenarioError extends LbbenchError {
  readonly file: string;
  readonly issues: readonly InputIssue[];

  constructor(file: string, issues: readonly InputIssue[], options?: ErrorOptions) {
    super('LBB_SCENARIO_INVALID', formatInputIssues(file, issues), options);
    this.file = file;
    this.issues = issues;
  }
}

/** A bad command-line flag or argument. */
export class UsageError extends LbbenchError {
  constructor(message: string, options?: ErrorOptions) {
    super('LBB_USAGE', message, options);
  }
}

/** A gate expression that does not parse or names an unknown metric. */
export class GateSyntaxError extends LbbenchError {
  readonly expression: string;

  constructor(expression: string, message: string, options?: ErrorOptions) {
    super('LBB_GATE_INVALID', `gate "${expression}": ${message}`, options);
    this.expression = expression;
  }
}

/** A results file that cannot be read back (wrong schema version, missing fields). */
export class ResultsFileError extends LbbenchError {
  constructor(file: string, message: string, options?: ErrorOptions) {
    super('LBB_RESULTS_INVALID', `${file}: ${message}`, options);
  }
}

/** A required external program is not on PATH. */
export class ToolMissingError extends LbbenchError {
  readonly tool: string;

  constructor(tool: string, howToGet: string, options?: ErrorOptions) {
    super('LBB_TOOL_MISSING', `${tool} not found on PATH. ${howToGet}`, options);
    this.tool = tool;
  }
}

/** An external command exited non-zero; keeps what is needed to understand why. */
export class CommandError extends LbbenchError {
  readonly file: string;
  readonly args: readonly string[];
  readonly exitCode: number | undefined;
  readonly stderrTail: string;

  constructor(
    details: { file: string; args: readonly string[]; exitCode: number | undefined; stderrTail: string },
    options?: ErrorOptions,
  ) {
    const shown = [details.file, ...details.args.map(redactArg)].join(' ');
    const exit = details.exitCode === undefined ? 'was killed' : `exited with code ${details.exitCode}`;
    const tail = details.stderrTail.trim() === '' ? '' : `\n${details.stderrTail.trim()}`;
    super('LBB_COMMAND_FAILED', `\`${shown}\` ${exit}${tail}`, options);
    this.file = details.file;
    this.args = details.args;
    this.exitCode = details.exitCode;
    this.stderrTail = details.stderrTail;
  }
}

/** The cluster (kind, Kubernetes API, local processes) could not be created, reached or used. */
export class ClusterError extends LbbenchError {
  constructor(message: string, options?: ErrorOptions) {
    super('LBB_CLUSTER', message, options);
  }
}

/** A backend method was called while the backend is not up (before `up`, or after `down`): an environment error. */
export class BackendNotUpError extends ClusterError {
  constructor(backend: string, options?: ErrorOptions) {
    super(`the ${backend} backend is not up: call up() first`, options);
  }
}

/** A port lbbench needs is already in use. */
export class PortTakenError extends LbbenchError {
  /** `message` replaces the generic text when the caller knows who failed to bind and why. */
  constructor(address: string, options?: ErrorOptions & { readonly message?: string }) {
    super(
      'LBB_PORT_TAKEN',
      options?.message ?? `${address} is already in use. Free it or choose another port.`,
      options,
    );
  }
}

/** The proxy under test failed to start, crashed, or never listed the expected hosts. */
export class ProxyError extends LbbenchError {
  constructor(message: string, options?: ErrorOptions) {
    super('LBB_PROXY', message, options);
  }
}

/** The proxy's admin endpoint answered something that is not a /clusters document. */
export class CollectError extends LbbenchError {
  constructor(message: string, options?: ErrorOptions) {
    super('LBB_COLLECT', message, options);
  }
}

/** The run was interrupted (Ctrl-C / SIGTERM) through the run's AbortSignal. */
export class AbortedError extends LbbenchError {
  constructor(message = 'interrupted', options?: ErrorOptions) {
    super('LBB_ABORTED', message, options);
  }
}

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi;
const SECRET_FLAG = /^(--?(?:token|password|client-key|client-secret)[=:]).+$/i;

/** Removes credentials from an argument or URL before it is shown in a message. */
export function redactArg(arg: string): string {
  return arg.replace(URL_CREDENTIALS, '$1***@').replace(SECRET_FLAG, '$1***');
}
