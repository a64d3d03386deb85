import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { AbortedError, CommandError, ToolMissingError } from '../errors.js';

/** Options of one external command run through a {@link CommandRunner}. */
export interface CommandOptions {
  signal?: AbortSignal;
  /** Written to the command's stdin. */
  input?: string;
  cwd?: string;
  /** Added to (and overriding) the inherited environment. */
  env?: Record<string, string>;
}

/** What an external command produced; a non-zero `exitCode` is returned, not thrown. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * The single port through which lbbench runs external programs (kind, docker, kubectl): argument arrays,
 * never a shell. Throws `ToolMissingError` when `file` is not on PATH and `AbortedError` when the signal fires.
 */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  options?: CommandOptions,
) => Promise<CommandResult>;

/** How to get each external tool lbbench may run, used in `ToolMissingError` messages. */
export const INSTALL_HINTS: Readonly<Record<string, string>> = {
  kind: 'Install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, e.g. `go install sigs.k8s.io/kind@v0.29.0`) or run with --backend local.',
  docker:
    'Install Docker Engine or Docker Desktop (https://docs.docker.com/get-docker/); kind runs its nodes as Docker containers. Or run with --backend local.',
  kubectl: 'Install kubectl (https://kubernetes.io/docs/tasks/tools/).',
};

const STDERR_TAIL_LINES = 20;

/** The last `maxLines` non-empty lines of a command's stderr, for error messages. */
export function getStderrTail(stderr: string, maxLines = STDERR_TAIL_LINES): string {
  const lines = stderr.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.slice(-maxLines).join('\n');
}

/**
 * Creates the execa-backed {@link CommandRunner}; `defaults.env` is added to every command's environment
 * (tests use it to put shims first on PATH).
 */
export function createExecaRunner(defaults: { env?: Record<string, string> } = {}): CommandRunner {
  return async (file, args, options = {}) => {
    const env = { ...defaults.env, ...options.env };
    const result = await execa(file, [...args], {
      reject: false,
      stripFinalNewline: false,
      env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
      ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
    });
    if (result.isCanceled) {
      throw new AbortedError(`interrupted while running ${file}`, { cause: result });
    }
    if (result.exitCode === undefined) {
      throw toSpawnError(file, args, options.cwd, result);
    }
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  };
}

/** What execa tells about a command that has no exit code: it could not start, or a signal ended it. */
interface NoExitResult {
  readonly code?: string | undefined;
  readonly signal?: string | undefined;
  readonly originalMessage?: string | undefined;
  readonly stderr: string;
}

function toSpawnError(
  file: string,
  args: readonly string[],
  cwd: string | undefined,
  result: NoExitResult,
): Error {
  const isCwdMissing = cwd !== undefined && !existsSync(cwd);
  if (result.code === 'ENOENT' && !isCwdMissing) {
    return new ToolMissingError(file, INSTALL_HINTS[file] ?? `Install ${file} and make sure it is on PATH.`, {
      cause: result,
    });
  }
  const stderrTail = isCwdMissing ? `working directory ${cwd} does not exist` : describeNoExit(result);
  return new CommandError({ file, args, exitCode: undefined, stderrTail }, { cause: result });
}

/** `killed by SIGKILL` or the spawn error (`spawn kind EACCES`), then the stderr tail. */
function describeNoExit(result: NoExitResult): string {
  const reason = result.signal === undefined ? (result.originalMessage ?? '') : `killed by ${result.signal}`;
  return [reason, getStderrTail(result.stderr)].filter((part) => part !== '').join('\n');
}

/**
 * Runs a command and throws `CommandError` (with the stderr tail) when it exits non-zero.
 * @throws ToolMissingError, AbortedError, CommandError
 */
export async function runChecked(
  runner: CommandRunner,
  file: string,
  args: readonly string[],
  options?: CommandOptions,
): Promise<CommandResult> {
  const result = await runner(file, args, options);
  if (result.exitCode !== 0) {
    throw new CommandError({
      file,
      args,
      exitCode: result.exitCode,
      stderrTail: getStderrTail(result.stderr),
    });
  }
  return result;
}
