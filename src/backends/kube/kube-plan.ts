import type { LbPolicy } from 'lbbench-proxy';
import type { ScenarioEvent } from '../../scenario/types.js';
import { toPlanYaml, type PlanStep } from './plan.js';
import { ADMIN_PORT, APP_PORT, NAMES, buildPolicyPatch, buildScalePatch } from './render-manifests.js';
import { renderProxy, renderWorkload, type KubeWorkloadConfig } from './workload-config.js';

/** What a run does on the cluster, besides the config: the runs and what happens at the end. */
export interface KubePlanInputs {
  /** e.g. `context "kind-lbbench" (https://127.0.0.1:6443)`, or how the context will be found. */
  readonly target: string;
  readonly policies: readonly LbPolicy[];
  readonly repetitions: number;
  readonly events: readonly ScenarioEvent[];
  /** False with --keep (and for a kind cluster that is deleted anyway). */
  readonly deleteObjects: boolean;
}

function manifest(title: string, action: 'apply' | 'patch', value: unknown): PlanStep {
  return { kind: 'manifest', title, action, yaml: toPlanYaml(value) };
}

function describeEvent(event: ScenarioEvent): string {
  const at = `at ${event.atMs} ms into the load`;
  switch (event.action) {
    case 'scale':
      return `${at}: patch Deployment ${NAMES.app} ${JSON.stringify(buildScalePatch(event.replicas))} and wait for ${event.replicas} Ready pods`;
    case 'kill':
      return `${at}: delete myapp pod #${event.pod} (by name, from the EndpointSlices)`;
    case 'slow':
      return `${at}: slow pod #${event.pod} — not supported on Kubernetes backends, the run fails here`;
  }
}

function planProxyRun(
  config: KubeWorkloadConfig,
  policy: LbPolicy,
  seq: number,
  inputs: KubePlanInputs,
): PlanStep[] {
  const manifests = renderProxy(config, policy, seq);
  const ns = config.namespace;
  const steps: PlanStep[] = [];
  if (manifests.configMap !== undefined) {
    steps.push(
      manifest(
        `Apply ConfigMap ${ns}/${NAMES.envoyConfigMap} (Envoy config for ${policy})`,
        'apply',
        manifests.configMap,
      ),
    );
  }
  if (seq === 1) {
    steps.push(manifest(`Apply Service ${ns}/${NAMES.proxy}`, 'apply', manifests.service));
    steps.push(manifest(`Apply Deployment ${ns}/${NAMES.proxy} (${policy})`, 'apply', manifests.deployment));
  } else {
    const patch = buildPolicyPatch(manifests.deployment, policy, seq);
    steps.push(manifest(`Patch Deployment ${ns}/${NAMES.proxy} to ${policy} (JSON Patch)`, 'patch', patch));
  }
  steps.push(
    { kind: 'action', title: `Wait until the new ${NAMES.proxy} pod is Ready and the old one is gone` },
    {
      kind: 'action',
      title: `Port-forward 127.0.0.1:<free> → ${NAMES.proxy} pod :${APP_PORT} and 127.0.0.1:<free> → :${ADMIN_PORT} (pods/portforward, WebSocket)`,
    },
    { kind: 'action', title: `Wait until /clusters lists exactly the Ready ${NAMES.app} pod IPs` },
    { kind: 'action', title: `Run the load for ${policy}` },
    ...inputs.events.map((event): PlanStep => ({ kind: 'action', title: describeEvent(event) })),
    { kind: 'action', title: 'Close the port-forwards' },
  );
  return steps;
}

/** Every API operation and manifest of a run on a cluster, in order, without touching anything. */
export function planKubeWorkload(config: KubeWorkloadConfig, inputs: KubePlanInputs): PlanStep[] {
  const workload = renderWorkload(config);
  const ns = config.namespace;
  const steps: PlanStep[] = [
    { kind: 'action', title: `Connect to the Kubernetes API of ${inputs.target} and read its version` },
    manifest(`Create Namespace ${ns} unless it exists`, 'apply', workload.namespace),
    manifest(
      `Apply ConfigMap ${ns}/${workload.configMap.metadata?.name ?? ''} (nginx default.conf)`,
      'apply',
      workload.configMap,
    ),
    manifest(`Apply Service ${ns}/${NAMES.app} (headless)`, 'apply', workload.service),
    manifest(
      `Apply Deployment ${ns}/${NAMES.app} (${config.replicas} × ${config.upstreamImage})`,
      'apply',
      workload.deployment,
    ),
    {
      kind: 'action',
      title: `Wait for the rollout: ${config.replicas} Ready pods and as many Ready endpoints in the EndpointSlices`,
    },
  ];
  let seq = 0;
  for (const policy of inputs.policies) {
    for (let repetition = 0; repetition < inputs.repetitions; repetition += 1) {
      seq += 1;
      steps.push(...planProxyRun(config, policy, seq, inputs));
    }
  }
  steps.push({
    kind: 'action',
    title: inputs.deleteObjects
      ? `Delete namespace ${ns} if lbbench created it, else the Deployments, Services and ConfigMaps it applied`
      : `Keep every object in namespace ${ns}`,
  });
  return steps;
}
