import { describeRow } from '../../scenario/describe-row.js';
import { envoyRow } from '../../scenario/envoy-row.js';
import type { Scenario, ScenarioEvent } from '../../scenario/types.js';
import type { ClusterAccess } from './cluster-access.js';
import { getInitialDelayMs, renderApp, renderProxy, type KubeDeployConfig } from './deploy-config.js';
import { POD_CONTROL_PORT } from './lbbench-image.js';
import { toPlanYaml, type PlanStep } from './plan.js';
import { POD_HEADER } from '../local/welcome-page.js';
import { renderLoadJob } from './load-job-manifest.js';
import { getProxyServiceUrl } from './proxy-rollout.js';
import { ADMIN_PORT, NAMES, buildScalePatch } from './render-manifests.js';

function manifest(title: string, value: unknown): PlanStep {
  return { kind: 'manifest', title, action: 'apply', yaml: toPlanYaml(value) };
}

function action(title: string): PlanStep {
  return { kind: 'action', title };
}

function describeEvent(event: ScenarioEvent): string {
  const at = `at ${event.atMs} ms into the load`;
  switch (event.action) {
    case 'scale':
      return `${at}: patch Deployment ${NAMES.app} ${JSON.stringify(buildScalePatch(event.replicas))} and wait for ${event.replicas} Ready pods`;
    case 'kill':
      return `${at}: delete myapp pod #${event.pod} (by name, from the EndpointSlices)`;
    case 'slow':
      return `${at}: slow pod #${event.pod}: PUT /delay {"delayMs": ${event.delayMs}} on its pod server (port-forward to :${POD_CONTROL_PORT})`;
  }
}

function describeDelays(config: KubeDeployConfig): string {
  if (config.podServer === undefined) return 'the pods run nginx, with no delays';
  const delays = Array.from(
    { length: config.replicas },
    (_, index) => `#${index} ${getInitialDelayMs(config, index)} ms`,
  );
  return `set each pod server's delay through its control port (port-forward to :${POD_CONTROL_PORT}): ${delays.join(', ')}`;
}

function planRun(
  config: KubeDeployConfig,
  scenario: Scenario,
  runIndex: number,
  deploymentId: string,
  images: ClusterAccess['images'],
): PlanStep[] {
  const row = scenario.policies[Math.floor(runIndex / scenario.repetitions)] ?? envoyRow('ROUND_ROBIN');
  // src/run hands run n (from 0) the seed `scenario.seed + n`.
  const seed = scenario.seed + runIndex;
  const proxy = renderProxy(config, { row, seed, deploymentId });
  const ns = config.namespace;
  const container = proxy.deployment.spec?.template.spec?.containers.find((c) => c.name === NAMES.proxy);
  const argv = [...(container?.command ?? []), ...(container?.args ?? [])].join(' ');
  const steps: PlanStep[] = [
    action(
      `Run ${runIndex + 1}: ${describeRow(row)}, seed ${seed}. Reset: scale ${NAMES.app} to ${config.replicas} (killed pods were replaced by the Deployment), wait until Ready; ${describeDelays(config)}`,
    ),
  ];
  if (runIndex === 0 || config.proxy.kind === 'envoy') {
    steps.push(
      manifest(`Apply ConfigMap ${ns}/${NAMES.envoyConfigMap} (the proxy's config)`, proxy.configMap),
    );
  }
  if (runIndex === 0) {
    steps.push(manifest(`Apply Service ${ns}/${NAMES.proxy}`, proxy.service));
    steps.push(manifest(`Apply Deployment ${ns}/${NAMES.proxy} (${row.name})`, proxy.deployment));
  } else {
    steps.push(
      action(
        `Replace Deployment ${ns}/${NAMES.proxy}: ${NAMES.policyEnv}=${row.policy}, args \`${argv}\`, annotation ${NAMES.deploymentAnnotation}: ${deploymentId}`,
      ),
    );
  }
  const jobName = `lbbench-load-${deploymentId}`;
  const job = renderLoadJob({
    name: jobName,
    namespace: ns,
    image: images.lbbench,
    url: getProxyServiceUrl(config),
    load: scenario.load,
    podHeader: POD_HEADER.toLowerCase(),
    startAtMs: 0,
  });
  const args = job.spec?.template.spec?.containers[0]?.args ?? [];
  // Known only when the Job is created: the common start time of every generator.
  args[args.indexOf('--start-at') + 1] = '<epoch ms: creation + lead + warm-up>';
  steps.push(
    action(`Wait until the ${NAMES.proxy} pod annotated ${deploymentId} is Ready and no other is left`),
    action(`Port-forward 127.0.0.1:<free> → ${NAMES.proxy} pod :${ADMIN_PORT} (admin only: /clusters)`),
    action(`Wait until /clusters lists exactly the Ready ${NAMES.app} pod IPs`),
    runIndex === 0
      ? {
          kind: 'manifest',
          title: `Create Job ${ns}/${jobName}: the measured load, ${scenario.load.generators} generator pod(s) in the cluster against the proxy Service (--start-at: now + lead + warm-up)`,
          action: 'apply',
          yaml: toPlanYaml(job),
        }
      : action(`Create Job ${ns}/${jobName} like the first (parallelism: ${scenario.load.generators})`),
    action(
      'Just before the common start: /clusters snapshot; then wait until every generator pod Succeeded, read each report from its log, merge them exactly (summed counts and tallies, added HDR histograms), delete the Job',
    ),
    ...scenario.events.map((event) => action(describeEvent(event))),
    action('Close the port-forward'),
  );
  return steps;
}

/** Every command, API operation and manifest of a run on a cluster, in order, without touching anything. */
export function planKubeRun(
  config: KubeDeployConfig,
  inputs: { readonly scenario: Scenario; readonly access: ClusterAccess; readonly deleteObjects: boolean },
): PlanStep[] {
  const { scenario, access } = inputs;
  const { images } = access;
  const app = renderApp(config);
  const ns = config.namespace;
  const steps: PlanStep[] = [
    ...access.planOpen(),
    action(`Connect to the Kubernetes API of ${access.describeTarget()} and read its version`),
    manifest(`Create Namespace ${ns} unless it exists`, app.namespace),
    manifest(
      `Apply ConfigMap ${ns}/${app.configMap.metadata?.name ?? ''} (nginx default.conf)`,
      app.configMap,
    ),
    manifest(`Apply Service ${ns}/${NAMES.app} (headless)`, app.service),
    manifest(
      `Apply Deployment ${ns}/${NAMES.app} (${config.replicas} × ${config.upstreamImage})`,
      app.deployment,
    ),
    action(
      `Wait for the rollout: ${config.replicas} Ready pods and as many Ready endpoints in the EndpointSlices`,
    ),
  ];
  const runs = scenario.policies.length * scenario.repetitions;
  for (let runIndex = 0; runIndex < runs; runIndex += 1) {
    steps.push(...planRun(config, scenario, runIndex, `<nonce>-${runIndex + 1}`, images));
  }
  steps.push(
    action(
      inputs.deleteObjects
        ? `Delete namespace ${ns} if lbbench created it, else the Jobs, Deployments, Services and ConfigMaps it applied`
        : `Keep every object in namespace ${ns}`,
    ),
    ...access.planClose(),
  );
  return steps;
}
