import type { KindSpec } from '../../scenario/types.js';

/** One external command lbbench runs for the kind backend, with a title for progress and the plan. */
export interface CommandSpec {
  readonly title: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd?: string;
}

/** The tag of the bundled proxy image that the kind backend builds and loads. */
export const PROXY_DEV_IMAGE = 'lbbench-proxy:dev';

/** The Dockerfile of the bundled proxy, relative to the repository root. */
export const PROXY_DOCKERFILE = 'proxy/Dockerfile';

/** The image's build context: the proxy package folder alone, relative to the repository root. */
export const PROXY_BUILD_CONTEXT = 'proxy';

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

/** `kind create cluster --name N --config F [--image I]`. */
export function createClusterCommand(spec: KindSpec, configPath: string): CommandSpec {
  const image = spec.nodeImage === undefined ? [] : ['--image', spec.nodeImage];
  return {
    title: `Create kind cluster ${spec.clusterName} (1 control plane, ${spec.workers} worker${spec.workers === 1 ? '' : 's'})`,
    file: 'kind',
    args: ['create', 'cluster', '--name', spec.clusterName, '--config', configPath, ...image],
  };
}

/** `docker build -t IMAGE -f proxy/Dockerfile proxy` in the repository root. */
export function buildProxyImageCommand(repoRoot: string, image: string = PROXY_DEV_IMAGE): CommandSpec {
  return {
    title: `Build the proxy image ${image}`,
    file: 'docker',
    args: ['build', '-t', image, '-f', PROXY_DOCKERFILE, PROXY_BUILD_CONTEXT],
    cwd: repoRoot,
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

/** `kind delete cluster --name N`. */
export function deleteClusterCommand(clusterName: string): CommandSpec {
  return {
    title: `Delete kind cluster ${clusterName}`,
    file: 'kind',
    args: ['delete', 'cluster', '--name', clusterName],
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
