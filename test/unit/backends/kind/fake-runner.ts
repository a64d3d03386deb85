import { existsSync, readFileSync } from 'node:fs';
import type { CommandResult, CommandRunner } from '../../../../src/backends/exec.js';

/**
 * One recorded command: `file args…` with the temporary paths replaced: the kind config by `<config>`, the
 * private kubeconfig by `<kubeconfig>`, an image archive by `<archive>`.
 */
export interface RecordedCall {
  readonly line: string;
  readonly cwd: string | undefined;
  /** Text of the `--config` file at the time `kind create cluster` ran. */
  readonly config: string | undefined;
  readonly configPath: string | undefined;
}

/** What a canned command does: return output, or throw. */
export type Canned = Partial<CommandResult> | Error;

export const KIND_KUBECONFIG = [
  'apiVersion: v1',
  'kind: Config',
  'clusters: [{ name: kind-lbbench, cluster: { server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true } }]',
  'users: [{ name: kind-lbbench, user: {} }]',
  'contexts: [{ name: kind-lbbench, context: { cluster: kind-lbbench, user: kind-lbbench } }]',
  'current-context: kind-lbbench',
  '',
].join('\n');

/** A CommandRunner that records every call into `log` and answers from `respond` (default: success). */
export function makeFakeRunner(
  log: string[],
  respond: (line: string) => Canned | undefined = () => undefined,
) {
  const calls: RecordedCall[] = [];
  const runner: CommandRunner = (file, args, options) => {
    const at = args.indexOf('--config');
    const configPath = at === -1 ? undefined : args[at + 1];
    const config =
      configPath !== undefined && existsSync(configPath) ? readFileSync(configPath, 'utf8') : undefined;
    const line = [file, ...args]
      .map((arg) =>
        arg === configPath
          ? '<config>'
          : arg.endsWith('/kubeconfig')
            ? '<kubeconfig>'
            : arg.endsWith('/image.tar')
              ? '<archive>'
              : arg,
      )
      .join(' ');
    calls.push({ line, cwd: options?.cwd, config, configPath });
    log.push(line);
    const canned =
      respond(line) ?? (line.startsWith('kind get kubeconfig') ? { stdout: KIND_KUBECONFIG } : {});
    if (canned instanceof Error) {
      return Promise.reject(canned);
    }
    return Promise.resolve({ exitCode: 0, stdout: '', stderr: '', ...canned });
  };
  return { runner, calls };
}
