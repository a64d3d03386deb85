import type {
  V1ConfigMap,
  V1Deployment,
  V1EndpointSlice,
  V1Namespace,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';

/**
 * A client-node model class as the plain data it is on the wire (what YAML and JSON parse to), recursively.
 * client-node declares its models as classes, but serialises and accepts plain objects.
 */
export type Plain<T> = T extends Date
  ? T
  : T extends readonly (infer U)[]
    ? Plain<U>[]
    : T extends object
      ? { [K in keyof T]: Plain<T[K]> }
      : T;

/** A Namespace manifest. */
export type NamespaceManifest = Plain<V1Namespace>;
/** A ConfigMap manifest. */
export type ConfigMapManifest = Plain<V1ConfigMap>;
/** A Service manifest. */
export type ServiceManifest = Plain<V1Service>;
/** A Deployment manifest. */
export type DeploymentManifest = Plain<V1Deployment>;
/** A Pod as read from the API. */
export type PodObject = Plain<V1Pod>;
/** An EndpointSlice as read from the API. */
export type EndpointSliceObject = Plain<V1EndpointSlice>;

/** Hands a plain manifest to client-node, whose model "classes" are plain data at runtime. */
export function toApiObject<T>(manifest: Plain<T>): T {
  return manifest as unknown as T;
}
