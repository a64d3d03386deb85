import type {
  V1ConfigMap,
  V1Deployment,
  V1Namespace,
  V1ObjectMeta,
  V1Service,
} from '@kubernetes/client-node';
import { ClusterError } from '../../errors.js';
import { callKube, getApiStatus, type KubeClients } from './kube-api.js';
import {
  toApiObject,
  type ConfigMapManifest,
  type DeploymentManifest,
  type NamespaceManifest,
  type Plain,
  type ServiceManifest,
} from './manifest-types.js';
import { NAMES } from './render-manifests.js';
import { waitUntil, type WaitSettings } from './wait.js';

/** A namespaced object lbbench applies. */
export type AppliedObject =
  | { readonly kind: 'ConfigMap'; readonly body: ConfigMapManifest }
  | { readonly kind: 'Service'; readonly body: ServiceManifest }
  | { readonly kind: 'Deployment'; readonly body: DeploymentManifest };

/** Which namespaced object, for deletion and messages. */
export interface ObjectRef {
  readonly kind: AppliedObject['kind'] | 'Job';
  readonly namespace: string;
  readonly name: string;
}

/** Whether {@link applyObject} created the object or replaced an earlier lbbench object of that name. */
export type ApplyOutcome = 'created' | 'replaced';

/** What the API server holds for an object: enough to replace it. */
interface ExistingObject {
  readonly metadata?: V1ObjectMeta | undefined;
  readonly spec?: unknown;
}

interface ResourceOps {
  readonly create: () => Promise<unknown>;
  readonly read: () => Promise<ExistingObject>;
  readonly replace: (existing: ExistingObject) => Promise<unknown>;
}

function withVersion<T extends { metadata?: Plain<V1ObjectMeta> }>(body: T, existing: ExistingObject): T {
  const resourceVersion = existing.metadata?.resourceVersion;
  return {
    ...body,
    metadata: { ...body.metadata, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
  };
}

/** A Service's cluster IP is immutable: a replacement keeps the one the API server allocated. */
function keepClusterIp(body: ServiceManifest, existing: ExistingObject): ServiceManifest {
  const spec = existing.spec as V1Service['spec'];
  if (body.spec === undefined || body.spec.clusterIP !== undefined || spec?.clusterIP === undefined) {
    return body;
  }
  const clusterIPs = spec.clusterIPs === undefined ? {} : { clusterIPs: [...spec.clusterIPs] };
  return { ...body, spec: { ...body.spec, clusterIP: spec.clusterIP, ...clusterIPs } };
}

function getOps(clients: KubeClients, object: AppliedObject, ref: ObjectRef): ResourceOps {
  const { name, namespace } = ref;
  switch (object.kind) {
    case 'ConfigMap': {
      const body = (old: ExistingObject | undefined) =>
        toApiObject<V1ConfigMap>(old === undefined ? object.body : withVersion(object.body, old));
      return {
        create: () => clients.core.createNamespacedConfigMap({ namespace, body: body(undefined) }),
        read: () => clients.core.readNamespacedConfigMap({ name, namespace }),
        replace: (old) => clients.core.replaceNamespacedConfigMap({ name, namespace, body: body(old) }),
      };
    }
    case 'Service': {
      const body = (old: ExistingObject | undefined) =>
        toApiObject<V1Service>(
          old === undefined ? object.body : keepClusterIp(withVersion(object.body, old), old),
        );
      return {
        create: () => clients.core.createNamespacedService({ namespace, body: body(undefined) }),
        read: () => clients.core.readNamespacedService({ name, namespace }),
        replace: (old) => clients.core.replaceNamespacedService({ name, namespace, body: body(old) }),
      };
    }
    case 'Deployment': {
      const body = (old: ExistingObject | undefined) =>
        toApiObject<V1Deployment>(old === undefined ? object.body : withVersion(object.body, old));
      return {
        create: () => clients.apps.createNamespacedDeployment({ namespace, body: body(undefined) }),
        read: () => clients.apps.readNamespacedDeployment({ name, namespace }),
        replace: (old) => clients.apps.replaceNamespacedDeployment({ name, namespace, body: body(old) }),
      };
    }
  }
}

/** The namespace and name of an object to apply. */
export function getObjectRef(object: AppliedObject): ObjectRef {
  const { name, namespace } = object.body.metadata ?? {};
  if (name === undefined || namespace === undefined) {
    throw new ClusterError(`${object.kind} without metadata.name or metadata.namespace`);
  }
  return { kind: object.kind, namespace, name };
}

/**
 * Creates the object, or replaces it when one of that name exists and carries lbbench's managed-by
 * label (create-or-replace, like `kubectl replace --force` without the delete).
 * @throws ClusterError when an object of that name exists that lbbench did not create.
 */
export async function applyObject(
  clients: KubeClients,
  object: AppliedObject,
  signal: AbortSignal | undefined,
): Promise<ApplyOutcome> {
  const ref = getObjectRef(object);
  const label = `${ref.kind} ${ref.namespace}/${ref.name}`;
  const ops = getOps(clients, object, ref);
  try {
    await callKube(clients, `creating ${label}`, signal, ops.create);
    return 'created';
  } catch (error) {
    if (getApiStatus(error) !== 409) {
      throw error;
    }
  }
  const existing = await callKube(clients, `reading ${label}`, signal, ops.read);
  if (existing.metadata?.labels?.[NAMES.managedByLabel] !== NAMES.managedByValue) {
    throw new ClusterError(
      `${label} already exists and was not created by lbbench (it lacks the label ${NAMES.managedByLabel}=${NAMES.managedByValue}). Use another namespace (kube.namespace) or delete it: kubectl -n ${ref.namespace} delete ${ref.kind.toLowerCase()} ${ref.name}`,
    );
  }
  await callKube(clients, `replacing ${label}`, signal, () => ops.replace(existing));
  return 'replaced';
}

/** Deletes a namespaced object; one that is already gone counts as deleted. */
export async function deleteObject(clients: KubeClients, ref: ObjectRef): Promise<void> {
  const { name, namespace } = ref;
  const what = `deleting ${ref.kind} ${namespace}/${name}`;
  const call = (): Promise<unknown> => {
    switch (ref.kind) {
      case 'ConfigMap':
        return clients.core.deleteNamespacedConfigMap({ name, namespace });
      case 'Service':
        return clients.core.deleteNamespacedService({ name, namespace });
      case 'Deployment':
        return clients.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Background' });
      case 'Job':
        return clients.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' });
    }
  };
  await ignoreNotFound(() => callKube(clients, what, undefined, call));
}

/** Runs `call`; a 404 from the API (the object is already gone) resolves instead of throwing. */
export async function ignoreNotFound(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (getApiStatus(error) !== 404) {
      throw error;
    }
  }
}

async function readNamespacePhase(
  clients: KubeClients,
  name: string,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  try {
    const existing = await callKube(clients, `reading namespace ${name}`, signal, () =>
      clients.core.readNamespace({ name }),
    );
    return existing.status?.phase ?? 'Active';
  } catch (error) {
    if (getApiStatus(error) === 404) {
      return undefined;
    }
    throw error;
  }
}

/**
 * Makes sure the namespace exists; one still being deleted (by an earlier run) is waited for and created anew.
 * @returns true when this call created it (and lbbench should delete it at the end).
 */
export async function ensureNamespace(
  clients: KubeClients,
  namespace: NamespaceManifest,
  settings: WaitSettings,
): Promise<boolean> {
  const name = namespace.metadata?.name ?? '';
  const phase = await readNamespacePhase(clients, name, settings.signal);
  if (phase === 'Terminating') {
    await waitUntil(
      settings,
      `namespace ${name} (being deleted by an earlier run) to be gone`,
      `Check what holds it with \`kubectl get namespace ${name} -o yaml\`, or use another kube.namespace.`,
      async () => {
        const phase = await readNamespacePhase(clients, name, settings.signal);
        return { done: phase === undefined, status: phase ?? 'gone' };
      },
    );
  } else if (phase !== undefined) {
    return false;
  }
  await callKube(clients, `creating namespace ${name}`, settings.signal, () =>
    clients.core.createNamespace({ body: toApiObject<V1Namespace>(namespace) }),
  );
  return true;
}
