import { ToolMissingError } from '../../errors.js';
import type { Scenario, UpstreamServerChoice } from '../../scenario/types.js';
import type { CommandRunner } from '../exec.js';
import { addTimeout, throwIfAborted } from '../../run/abort.js';
import { findProgram } from './find-program.js';

/** The program one local pod runs. */
export type PodServerKind = 'nginx' | 'node';

/** Where a source build of nginx lives, besides PATH and the sbin folders. */
const EXTRA_NGINX_DIRS = ['/usr/local/nginx/sbin'];
const VERSION_TIMEOUT_MS = 5_000;

/**
 * Chooses the server of one pod. nginx cannot delay its answers, so a pod that needs a delay (now or from a later
 * `slow` event) runs the Node server whatever the choice; `auto` means nginx when it is installed.
 */
export function choosePodServer(options: {
  readonly choice: UpstreamServerChoice;
  readonly hasNginx: boolean;
  readonly needsDelay: boolean;
}): PodServerKind {
  if (options.needsDelay || options.choice === 'node') {
    return 'node';
  }
  if (options.choice === 'nginx') {
    return 'nginx';
  }
  return options.hasNginx ? 'nginx' : 'node';
}

/** Extracts `nginx/1.22.1` from the output of `nginx -v` (`nginx version: nginx/1.22.1`). */
export function parseNginxVersion(output: string): string | undefined {
  return /nginx version:\s*(\S+)/.exec(output)?.[1];
}

/** Returns the path of an executable `nginx` on PATH or in the usual sbin folders, or undefined. */
export async function findNginx(pathVariable = process.env.PATH ?? ''): Promise<string | undefined> {
  return findProgram('nginx', EXTRA_NGINX_DIRS, pathVariable);
}

/**
 * Runs `nginx -v` and returns e.g. `nginx/1.22.1` (`nginx/unknown` when it fails or prints no version).
 * @throws AbortedError when `signal` aborts.
 */
export async function readNginxVersion(
  nginxPath: string,
  run: CommandRunner,
  signal?: AbortSignal,
): Promise<string> {
  try {
    const { stdout, stderr } = await run(nginxPath, ['-v'], {
      signal: addTimeout(signal, VERSION_TIMEOUT_MS),
    });
    return parseNginxVersion(`${stderr}\n${stdout}`) ?? 'nginx/unknown';
  } catch {
    if (signal !== undefined) {
      throwIfAborted(signal);
    }
    return 'nginx/unknown';
  }
}

/**
 * Finds nginx for the scenario's `upstream.server`: undefined for `node`, or when `auto` finds none.
 * @throws ToolMissingError when `nginx` is asked for and not installed.
 */
export async function locateNginx(
  scenario: Scenario,
  runCommand: CommandRunner,
  signal: AbortSignal,
): Promise<{ path: string; version: string } | undefined> {
  if (scenario.upstream.server === 'node') {
    return undefined;
  }
  const path = await findNginx();
  if (path === undefined) {
    if (scenario.upstream.server === 'nginx') {
      throw new ToolMissingError(
        'nginx',
        'Install nginx (e.g. `apt-get install nginx`) or set upstream.server: node.',
      );
    }
    return undefined;
  }
  return { path, version: await readNginxVersion(path, runCommand, signal) };
}
