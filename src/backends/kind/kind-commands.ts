import type { KindSpec } from '../../scenario/types.js';
import type { PlanStep } from '../kube/plan.js';

/** One external command lbbench runs for the kind backend, with a title for progress and the plan. */
export interface CommandSpec {
  readonly title: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd?: string;
}

/** The plan's step for a command; `suffix` qualifies its title (e.g. when it only runs as a fallback). */
export function toPlanStep(spec: CommandSpec, suffix = ''): PlanStep {
  return {
    kind: 'command',
    title: `${spec.title}${suffix}`,
    file: spec.file,
    args: spec.args,
    ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
  };
}

/** The tag of the bundled proxy image that the kind backend builds and loads. */
export const PROXY_DEV_IMAGE = 'lbbench-proxy:dev';

/** The build of the bundled proxy image, relative to the package root: the one place that names its context. */
export const PROXY_IMAGE_BUILD = {
  dockerfile: 'proxy/Dockerfile',
  /** The proxy package alone (lbbench-proxy builds its image from its own folder). */
  context: 'proxy',
  inputs: [
    'proxy/Dockerfile',
    'proxy/package.json',
    'proxy/npm-shrinkwrap.json',
    'proxy/tsconfig.json',
    'proxy/src',
  ],
} as const;

/** A `docker build`: the Dockerfile, the context and the files that must exist, relative to the package root. */
export interface ImageBuild {
  readonly dockerfile: string;
  readonly context: string;
  readonly inputs: readonly string[];
}

/** `kind version`: is kind installed. */
export function kindVersionCommand(): CommandSpec {
  return { title: 'Check that kind is installed', file: 'kind', args: ['version'] };
}

/** `docker version --format {{.Server.Version}}`: is the Docker engine running (exits non-zero when not). */
export function dockerVersionCommand(): CommandSpec {
  return {
    title: 'Check that the Docker engine is running',
    file: 'docker',
    args: ['version', '--format', '{{.Server.Version}}'],
  };
}

/** `kind get clusters`: which kind clusters exist. */
export function getClustersCommand(): CommandSpec {
  return { title: 'List the kind clusters', file: 'kind', args: ['get', 'clusters'] };
}

/**
 * `kind create cluster --name N --config F --kubeconfig K [--image I]`: kind writes the cluster's credentials to
 * the private file K, never to the user's kubeconfig or its current-context.
 */
export function createClusterCommand(
  spec: KindSpec,
  configPath: string,
  kubeconfigPath: string,
): CommandSpec {
  const image = spec.nodeImage === undefined ? [] : ['--image', spec.nodeImage];
  return {
    title: `Create kind cluster ${spec.clusterName} (1 control plane, ${spec.workers} worker${spec.workers === 1 ? '' : 's'})`,
    file: 'kind',
    args: [
      'create',
      'cluster',
      '--name',
      spec.clusterName,
      '--config',
      configPath,
      '--kubeconfig',
      kubeconfigPath,
      ...image,
    ],
  };
}

/** `docker build -t IMAGE -f DOCKERFILE CONTEXT` in the package root. */
export function buildImageCommand(repoRoot: string, build: ImageBuild, image: string): CommandSpec {
  return {
    title: `Build the image ${image} from ${build.dockerfile}`,
    file: 'docker',
    args: ['build', '-t', image, '-f', build.dockerfile, build.context],
    cwd: repoRoot,
  };
}

/** `docker save -o FILE IMAGE`: the image as an archive, for `kind load image-archive`. */
export function saveImageCommand(image: string, archivePath: string): CommandSpec {
  return { title: `Save ${image} to an archive`, file: 'docker', args: ['save', '-o', archivePath, image] };
}

/** `kind load image-archive FILE --name N`: kind's way in when `kind load docker-image` fails (kind #3795). */
export function loadImageArchiveCommand(archivePath: string, clusterName: string): CommandSpec {
  return {
    title: `Load the image archive into the nodes of ${clusterName}`,
    file: 'kind',
    args: ['load', 'image-archive', archivePath, '--name', clusterName],
  };
}

/** `docker image inspect --format {{.Id}} IMAGE`: is the image in the local Docker store. */
export function inspectImageCommand(image: string): CommandSpec {
  return {
    title: `Check whether ${image} is in the local Docker image store`,
    file: 'docker',
    args: ['image', 'inspect', '--format', '{{.Id}}', image],
  };
}

/** `kind load docker-image IMAGE --name N`: copy a local image into the cluster's nodes. */
export function loadImageCommand(image: string, clusterName: string): CommandSpec {
  return {
    title: `Load ${image} into the nodes of ${clusterName}`,
    file: 'kind',
    args: ['load', 'docker-image', image, '--name', clusterName],
  };
}

/** `kind get kubeconfig --name N`: the cluster's kubeconfig on stdout. */
export function getKubeconfigCommand(clusterName: string): CommandSpec {
  return {
    title: `Get the kubeconfig of ${clusterName}`,
    file: 'kind',
    args: ['get', 'kubeconfig', '--name', clusterName],
  };
}

/** `kind delete cluster --name N --kubeconfig K`: kind edits K, not the user's kubeconfig. */
export function deleteClusterCommand(clusterName: string, kubeconfigPath: string): CommandSpec {
  return {
    title: `Delete kind cluster ${clusterName}`,
    file: 'kind',
    args: ['delete', 'cluster', '--name', clusterName, '--kubeconfig', kubeconfigPath],
  };
}

/** The cluster names printed by `kind get clusters` (one per line; "No kind clusters found." goes to stderr). */
export function parseClusterList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('No kind clusters'));
}

/** The version in `kind v0.29.0 go1.24.2 linux/amd64`, or the trimmed output when it has another shape. */
export function parseKindVersion(stdout: string): string {
  return /\bv\d+\.\d+\.\d+\S*/.exec(stdout)?.[0] ?? stdout.trim();
}
