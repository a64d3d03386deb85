/** One problem found in a proxy config file: where it is and what is wrong with it. */
export interface ProxyConfigIssue {
  /** YAML path such as `static_resources.clusters[0].lb_policy`, `line 3, column 5`, or "" for the whole file. */
  readonly path: string;
  /** What was found and what is allowed, e.g. `must be one of A, B, got "C"`. */
  readonly message: string;
}

/** Formats issues as `FILE: path: message` lines (`FILE: message` when the path is empty). */
function formatProxyConfigIssues(file: string, issues: readonly ProxyConfigIssue[]): string {
  return issues
    .map((issue) => `${file}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`)
    .join('\n');
}

/** A proxy config that cannot be used: unreadable, unset variables, bad YAML, or invalid fields. */
export class ProxyConfigError extends Error {
  /** Stable machine-readable code, the same one the harness uses for this failure. */
  readonly code = 'LBB_PROXY_CONFIG_INVALID';
  /** The config file as it was named to the proxy. */
  readonly file: string;
  /** Every problem found, in the order it was found. */
  readonly issues: readonly ProxyConfigIssue[];

  constructor(file: string, issues: readonly ProxyConfigIssue[], options?: ErrorOptions) {
    super(formatProxyConfigIssues(file, issues), options);
    this.name = 'ProxyConfigError';
    this.file = file;
    this.issues = issues;
  }
}
