import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  VersionApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import { AbortedError, ClusterError, LbbenchError, redactArg } from '../../errors.js';
import { isRecord } from './manifest-templates.js';
import { formatSeconds, throwIfAborted } from './wait.js';

/** The typed API groups the Kubernetes backends use, all made from one KubeConfig. */
export interface KubeClients {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly version: VersionApi;
  /** `context "x" (https://host:port)`, for messages. */
  readonly target: string;
}

/** Creates the API clients for the current context of `kubeConfig`. */
export function createKubeClients(kubeConfig: KubeConfig): KubeClients {
  return {
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    batch: kubeConfig.makeApiClient(BatchV1Api),
    discovery: kubeConfig.makeApiClient(DiscoveryV1Api),
    version: kubeConfig.makeApiClient(VersionApi),
    target: describeKubeTarget(kubeConfig),
  };
}

/**
 * Whether the KubeConfig is @kubernetes/client-node's stand-in for "nothing found" (no KUBECONFIG, no
 * ~/.kube/config, not in a cluster): one made-up context `loaded-context` at http://localhost:8080.
 */
export function isMissingKubeConfig(kubeConfig: KubeConfig): boolean {
  const contexts = kubeConfig.getContexts();
  return (
    contexts.length === 1 &&
    contexts[0]?.name === 'loaded-context' &&
    kubeConfig.getCurrentCluster()?.server === 'http://localhost:8080'
  );
}

/** What lbbench says when no kubeconfig was found. */
export const NO_KUBECONFIG =
  'no kubeconfig found (looked at $KUBECONFIG, ~/.kube/config and the in-cluster service account); ' +
  'point KUBECONFIG at a cluster, or use --backend kind';

/** `context "x" (server URL)` of a KubeConfig, with credentials removed from the URL. */
export function describeKubeTarget(kubeConfig: KubeConfig): string {
  if (isMissingKubeConfig(kubeConfig)) return `(none: ${NO_KUBECONFIG})`;
  const server = kubeConfig.getCurrentCluster()?.server ?? '(no cluster)';
  return `context "${kubeConfig.getCurrentContext()}" (${redactArg(server)})`;
}

/** The HTTP status of a Kubernetes API error (or of the error it wraps), or undefined for other errors. */
export function getApiStatus(error: unknown): number | undefined {
  if (error instanceof ApiException) {
    return (error as ApiException<unknown>).code;
  }
  return error instanceof Error && error.cause instanceof ApiException
    ? (error.cause as ApiException<unknown>).code
    : undefined;
}

function getApiMessage(error: ApiException<unknown>): string {
  let body: unknown = error.body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      return text.slice(0, 300);
    }
  }
  return isRecord(body) && typeof body.message === 'string' ? body.message : 'no message';
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function getErrorCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Turns whatever a client-node call threw into an lbbench error: unreachable API → `ClusterError`
 * saying what to check, HTTP errors → `ClusterError` with the API's message, aborts → `AbortedError`.
 */
export function toKubeError(error: unknown, what: string, target: string): LbbenchError {
  if (error instanceof LbbenchError) {
    return error;
  }
  if (error instanceof ApiException) {
    const apiError = error as ApiException<unknown>;
    const hint =
      apiError.code === 401 || apiError.code === 403
        ? ` Check that the user of ${target} may manage namespaces, ConfigMaps, Services, Deployments and pods (\`kubectl auth can-i create deployments -n <namespace>\`).`
        : '';
    return new ClusterError(
      `${what}: the Kubernetes API answered HTTP ${apiError.code}: ${getApiMessage(apiError)}.${hint}`,
      {
        cause: error,
      },
    );
  }
  if (isRecord(error) && (error.name === 'AbortError' || error.type === 'aborted')) {
    return new AbortedError(`interrupted while ${what}`, { cause: error });
  }
  const code = getErrorCode(error);
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new ClusterError(
      `${what}: cannot reach the Kubernetes API of ${target}: ${code}. Check that the cluster is running (for kind: \`kind get clusters\`, \`docker ps\`) and that the kubeconfig context points at it (\`kubectl config current-context\`, \`kubectl cluster-info\`).`,
      { cause: error },
    );
  }
  const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
  return new ClusterError(
    `${what} (${target}): ${message}. Check that the cluster answers (\`kubectl cluster-info\`).`,
    { cause: error },
  );
}

/** How long one API call may take before it counts as a cluster that stopped answering. */
const KUBE_CALL_TIMEOUT_MS = 30_000;

/**
 * Runs one API call, mapping its errors with {@link toKubeError}; rejects as soon as `signal` fires, and with a
 * ClusterError when the API server has not answered within `timeoutMs` (the HTTP request itself is short and
 * left to finish in both cases).
 */
export async function callKube<T>(
  clients: Pick<KubeClients, 'target'>,
  what: string,
  signal: AbortSignal | undefined,
  call: () => Promise<T>,
  timeoutMs = KUBE_CALL_TIMEOUT_MS,
): Promise<T> {
  throwIfAborted(signal, what);
  let onAbort: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const interrupted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      reject(new AbortedError(`interrupted while ${what}`, { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => {
      reject(
        new ClusterError(
          `${what}: the Kubernetes API of ${clients.target} did not answer within ${formatSeconds(timeoutMs)}. Check that the cluster is running and not overloaded (\`kubectl cluster-info\`, for kind also \`docker ps\`).`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(), interrupted]);
  } catch (error) {
    throw toKubeError(error, what, clients.target);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
