import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterError, CommandError } from '../../errors.js';
import type { KindSpec } from '../../scenario/types.js';
import { getStderrTail, runChecked, type CommandResult, type CommandRunner } from '../exec.js';
import {
  createClusterCommand,
  dockerVersionCommand,
  getClustersCommand,
  kindVersionCommand,
  parseClusterList,
  parseKindVersion,
  type CommandSpec,
} from './kind-commands.js';

/** Runs a {@link CommandSpec} and throws `CommandError` on a non-zero exit. */
export function runSpec(
  runner: CommandRunner,
  spec: CommandSpec,
  signal: AbortSignal | undefined,
): Promise<CommandResult> {
  return runChecked(runner, spec.file, spec.args, {
    ...(signal === undefined ? {} : { signal }),
    ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
  });
}

function describeDockerProblem(stderr: string): string {
  const tail = getStderrTail(stderr, 5);
  const advice = /permission denied/i.test(stderr)
    ? 'Your user may not use the Docker socket: add it to the docker group (`sudo usermod -aG docker $USER`, then log in again) or use rootless Docker.'
    : 'Start Docker (Docker Desktop, or `sudo systemctl start docker` on Linux), check that `docker info` works, then retry.';
  return `Docker is installed but its engine is not reachable, and kind needs it to run the cluster nodes.\n${tail}\n${advice}`;
}

/**
 * Checks that kind is installed and the Docker engine answers.
 * @returns the kind and Docker server versions.
 * @throws ToolMissingError (kind or docker missing), ClusterError (engine down).
 */
export async function checkKindPrerequisites(
  runner: CommandRunner,
  signal: AbortSignal | undefined,
): Promise<{ kindVersion: string; dockerVersion: string }> {
  const kind = await runSpec(runner, kindVersionCommand(), signal);
  const docker = dockerVersionCommand();
  const result = await runner(docker.file, docker.args, signal === undefined ? {} : { signal });
  if (result.exitCode !== 0) {
    const cause = new CommandError({
      file: docker.file,
      args: docker.args,
      exitCode: result.exitCode,
      stderrTail: getStderrTail(result.stderr),
    });
    throw new ClusterError(describeDockerProblem(result.stderr), { cause });
  }
  return { kindVersion: parseKindVersion(kind.stdout), dockerVersion: result.stdout.trim() };
}

/** The names of the existing kind clusters. */
export async function listKindClusters(
  runner: CommandRunner,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const result = await runSpec(runner, getClustersCommand(), signal);
  return parseClusterList(result.stdout);
}

/**
 * Writes the kind config into `dir` and runs `kind create cluster` with it and the private kubeconfig path.
 * @throws CommandError when kind fails (its stderr tail says why).
 */
export async function createKindCluster(
  runner: CommandRunner,
  spec: KindSpec,
  configYaml: string,
  options: { signal: AbortSignal | undefined; dir: string; kubeconfigPath: string },
): Promise<void> {
  const configPath = join(options.dir, 'kind-config.yaml');
  await writeFile(configPath, configYaml, 'utf8');
  await runSpec(runner, createClusterCommand(spec, configPath, options.kubeconfigPath), options.signal);
}
