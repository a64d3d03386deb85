import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';

/**
 * Validates a Kubernetes object against the Kubernetes OpenAPI schema (kubernetes-models v4): builds the
 * model of its kind from the object and calls `.validate()`, which throws on a schema violation.
 */
export function validateManifest(object: unknown): void {
  const { apiVersion, kind, ...rest } = object as { apiVersion?: string; kind?: string };
  switch (`${String(apiVersion)}/${String(kind)}`) {
    case 'v1/Namespace':
      new Namespace(rest).validate();
      return;
    case 'v1/ConfigMap':
      new ConfigMap(rest).validate();
      return;
    case 'v1/Service':
      new Service(rest).validate();
      return;
    case 'apps/v1/Deployment':
      new Deployment(rest).validate();
      return;
    default:
      throw new Error(`no schema for ${String(apiVersion)} ${String(kind)}`);
  }
}
