import type { KubeConfig } from '@kubernetes/client-node';
import type { PlanStep } from './plan.js';

/**
 * How a Kubernetes backend reaches its cluster: an existing one from the kubeconfig (kube), or one kind creates
 * first (kind). The backend itself — objects, proxy, pods, load Job — is the same for both.
 */
export interface ClusterAccess {
  readonly backend: 'kind' | 'kube';
  /** Prepares the cluster (kind: images first, then create or reuse) and returns the config that reaches it. */
  open(signal: AbortSignal): Promise<KubeConfig>;
  /** Whether the objects lbbench applied must be deleted one by one at the end (not when the cluster goes whole). */
  deletesObjects(): boolean;
  /** Releases the cluster: kind deletes one it created (unless --keep). Safe after a failed `open`. */
  close(): Promise<void>;
  /** The images the run deploys: the proxy's and the lbbench image (pod server, load generators). */
  readonly images: { readonly proxy: string; readonly lbbench: string };
  /** How the plan names the target, e.g. `context "kind-lbbench" (from the private kubeconfig)`. */
  describeTarget(): string;
  planOpen(): PlanStep[];
  planClose(): PlanStep[];
  details(): Readonly<Record<string, string>>;
}
