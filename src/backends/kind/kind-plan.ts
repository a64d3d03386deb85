import { stringify } from 'yaml';
import type { Scenario } from '../../scenario/types.js';
import { planKubeWorkload } from '../kube/kube-plan.js';
import type { PlanStep } from '../kube/plan.js';
import type { KubeWorkloadConfig } from '../kube/workload-config.js';
import {
  buildProxyImageCommand,
  createClusterCommand,
  deleteClusterCommand,
  dockerVersionCommand,
  getClustersCommand,
  getKubeconfigCommand,
  inspectImageCommand,
  kindVersionCommand,
  loadImageCommand,
  type CommandSpec,
} from './kind-commands.js';
import { renderKindConfig } from './kind-config.js';

/** Shown instead of the temporary file the kind config is written to. */
const KIND_CONFIG_PLACEHOLDER = '<temp dir>/kind-config.yaml';

function command(spec: CommandSpec, titleSuffix = ''): PlanStep {
  return {
    kind: 'command',
    title: `${spec.title}${titleSuffix}`,
    file: spec.file,
    args: spec.args,
    ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
  };
}

/** How the kind backend gets the proxy image into the cluster. */
export interface ProxyImagePlan {
  readonly image: string;
  /** Build lbbench-proxy:dev from proxy/Dockerfile. */
  readonly build: boolean;
  /** `kind load` it when it is in the local Docker store (checked with `docker image inspect`). */
  readonly loadIfLocal: boolean;
}

function planProxyImage(image: ProxyImagePlan, repoRoot: string, clusterName: string): PlanStep[] {
  const load = command(
    loadImageCommand(image.image, clusterName),
    image.loadIfLocal ? ' (only if the inspect succeeds)' : '',
  );
  if (image.build) {
    return [command(buildProxyImageCommand(repoRoot, image.image)), load];
  }
  if (image.loadIfLocal) {
    return [command(inspectImageCommand(image.image)), load];
  }
  return [{ kind: 'action', title: `The nodes pull ${image.image} themselves` }];
}

/** Every command and manifest of a run on kind, in order, computed without running or writing anything. */
export function planKind(inputs: {
  scenario: Scenario;
  config: KubeWorkloadConfig;
  proxyImage: ProxyImagePlan;
  repoRoot: string;
  keep: boolean;
}): PlanStep[] {
  const { scenario, config, keep } = inputs;
  const spec = scenario.kind;
  const onlyIfCreated = spec.reuse ? ' (skipped when the cluster exists and kind.reuse is set)' : '';
  const steps: PlanStep[] = [
    command(kindVersionCommand()),
    command(dockerVersionCommand()),
    command(
      getClustersCommand(),
      spec.reuse ? ' (reuse the cluster if listed)' : ' (stop if the cluster already exists)',
    ),
    {
      kind: 'manifest',
      title: `Write the kind config to ${KIND_CONFIG_PLACEHOLDER}${onlyIfCreated}`,
      action: 'file',
      yaml: stringify(renderKindConfig(config.templates.kindConfig, spec)),
    },
    command(createClusterCommand(spec, KIND_CONFIG_PLACEHOLDER), onlyIfCreated),
    ...planProxyImage(inputs.proxyImage, inputs.repoRoot, spec.clusterName),
    command(getKubeconfigCommand(spec.clusterName)),
    ...planKubeWorkload(config, {
      target: `context "kind-${spec.clusterName}" (from kind get kubeconfig)`,
      policies: scenario.policies,
      repetitions: scenario.repetitions,
      events: scenario.events,
      // A created cluster is deleted whole; a reused one gets its objects deleted.
      deleteObjects: !keep && spec.reuse,
    }),
  ];
  if (!keep) {
    steps.push(
      command(deleteClusterCommand(spec.clusterName), spec.reuse ? ' (only if lbbench created it)' : ''),
    );
  }
  return steps;
}
