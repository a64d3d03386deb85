import type { KindSpec } from '../../scenario/types.js';
import { isRecord } from '../kube/manifest-templates.js';

function findNode(nodes: unknown, role: string): Record<string, unknown> {
  const list: readonly unknown[] = Array.isArray(nodes) ? nodes : [];
  const found = list.find((node) => isRecord(node) && node.role === role);
  return isRecord(found) ? structuredClone(found) : { role };
}

/**
 * Fills the cluster name and worker count into `cluster/kind-config.yaml`: one control-plane node (as in
 * the file) followed by `workers` copies of the file's first worker node. The template is not modified.
 */
export function renderKindConfig(
  template: Readonly<Record<string, unknown>>,
  spec: KindSpec,
): Record<string, unknown> {
  const controlPlane = findNode(template.nodes, 'control-plane');
  const worker = findNode(template.nodes, 'worker');
  return {
    ...structuredClone(template),
    name: spec.clusterName,
    nodes: [controlPlane, ...Array.from({ length: spec.workers }, () => structuredClone(worker))],
  };
}
