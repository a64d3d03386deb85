import { existsSync, readFileSync } from 'node:fs';
import type { CommandResult, CommandRunner } from '../../../../src/backends/exec.js';
import type {
  KubeWorkload,
  KubeWorkloadFactory,
  KubeWorkloadOptions,
} from '../../../../src/backends/kube/kube-workload.js';

/** One recorded command: `file args…` with the kind config path replaced by `<config>`. */
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
    const line = [file, ...args].map((arg) => (arg === configPath ? '<config>' : arg)).join(' ');
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

/** A KubeWorkload factory whose workloads log their calls into `log`; `failUp`/`failDown` make `up`/`down` reject. */
export function makeFakeWorkloadFactory(log: string[], behaviour: { failUp?: Error; failDown?: Error } = {}) {
  const created: KubeWorkloadOptions[] = [];
  const factory: KubeWorkloadFactory = (options) => {
    created.push(options);
    const workload: KubeWorkload = {
      up: () => {
        log.push(`workload.up ${options.kubeConfig.getCurrentContext()}`);
        return behaviour.failUp === undefined ? Promise.resolve() : Promise.reject(behaviour.failUp);
      },
      deployProxy: (policy) => {
        log.push(`workload.deployProxy ${policy}`);
        return Promise.resolve({
          trafficUrl: 'http://127.0.0.1:1',
          adminUrl: 'http://127.0.0.1:2',
          proxy: { kind: 'lbbench', version: 'dev', command: 'x', isSeeded: false },
        });
      },
      pods: () => Promise.resolve([]),
      scale: (replicas) => {
        log.push(`workload.scale ${replicas}`);
        return Promise.resolve();
      },
      kill: (pod) => {
        log.push(`workload.kill ${pod}`);
        return Promise.resolve();
      },
      removeProxy: () => {
        log.push('workload.removeProxy');
        return Promise.resolve();
      },
      down: ({ deleteObjects }) => {
        log.push(`workload.down deleteObjects=${deleteObjects}`);
        return behaviour.failDown === undefined ? Promise.resolve() : Promise.reject(behaviour.failDown);
      },
      details: () => ({ context: options.kubeConfig.getCurrentContext() }),
    };
    return workload;
  };
  return { factory, created };
}
