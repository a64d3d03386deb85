import { listKeyPeriodBoundariesMs } from '../../load/key-tally.js';
import { describePodBehavior, getFaultOf } from '../../scenario/pod-behavior.js';
import { describeRow } from '../../scenario/describe-row.js';
import { envoyRow } from '../../scenario/envoy-row.js';
import type { Scenario, ScenarioEvent } from '../../scenario/types.js';
import type { ClusterAccess } from './cluster-access.js';
import { getInitialSettings, renderApp, renderProxy, type KubeDeployConfig } from './deploy-config.js';
import { POD_CONTROL_PORT } from './lbbench-image.js';
import { toPlanYaml, type PlanStep } from './plan.js';
import { POD_HEADER } from '../local/welcome-page.js';
import { renderLoadJob } from './load-job-manifest.js';
import { getClusterIpServiceUrl, hasClusterIpRow } from './cluster-ip-row.js';
import { NGINX_DISCOVERY_LOG_PREFIX, NGINX_RELOAD_LOG_PREFIX } from './nginx-discovery-script.js';
import { OTHER_PROXY_IMAGES, OTHER_PROXY_PORTS } from './other-proxy-manifests.js';
import { getOtherProxyServiceUrl, renderOtherProxy } from './other-proxy-rollout.js';
import { getProxyServiceUrl } from './proxy-rollout.js';
import type { OtherProxyRow } from '../../scenario/proxy-rows.js';
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
    default:
      return `${at}: ${event.action} pod #${event.pod}: PUT /fault {"fault": "${getFaultOf(event.action)}"} on its pod server (port-forward to :${POD_CONTROL_PORT})`;
  }
}

function describeDelays(config: KubeDeployConfig): string {
  if (config.podServer === undefined) return 'the pods run nginx, with no delays';
  const settings = Array.from(
    { length: config.replicas },
    (_, index) => `#${index} ${describePodBehavior(getInitialSettings(config, index).behavior)}`,
  );
  return `PUT /settings on each pod server's control port (port-forward to :${POD_CONTROL_PORT}): ${settings.join('; ')}`;
}

function planRun(
  config: KubeDeployConfig,
  scenario: Scenario,
  runIndex: number,
  deploymentId: string,
  images: ClusterAccess['images'],
): PlanStep[] {
  const rowIndex = Math.floor(runIndex / scenario.repetitions);
  const row = scenario.policies[rowIndex] ?? envoyRow('ROUND_ROBIN');
  // src/run hands run n (from 0) the seed `scenario.seed + n`.
  const seed = scenario.seed + runIndex;
  const steps: PlanStep[] = [
    action(
      `Run ${runIndex + 1}: ${describeRow(row)}, seed ${seed}. Reset: scale ${NAMES.app} to ${config.replicas} (killed pods were replaced by the Deployment), wait until Ready; ${describeDelays(config)}`,
    ),
  ];
  if (row.proxy === 'cluster-ip') {
    steps.push(
      action(
        `No proxy Deployment: wait until the EndpointSlices of Service ${config.namespace}/${NAMES.clusterIpService} list exactly the Ready ${NAMES.app} pods (kube-proxy picks a pod per connection)`,
      ),
      ...planLoad(
        { config, scenario, runIndex, deploymentId, images },
        getClusterIpServiceUrl(config),
        'the ClusterIP Service',
      ),
      action(
        'Wait until every generator pod Succeeded, read each report from its log, merge them exactly, delete the Job; the per-pod counts are the X-Upstream-Pod tally (no /clusters)',
      ),
      ...scenario.events.map((event) => action(describeEvent(event))),
    );
    return steps;
  }
  if (row.proxy === 'haproxy' || row.proxy === 'nginx') {
    steps.push(...planOtherProxy({ config, scenario, runIndex, deploymentId, images }, row));
    return steps;
  }
  const isFirstProxyRun = !scenario.policies.slice(0, rowIndex).some((earlier) => earlier.proxy === 'envoy');
  const isFirstDeploy = isFirstProxyRun && runIndex % scenario.repetitions === 0;
  const proxy = renderProxy(config, { row, seed, deploymentId });
  const ns = config.namespace;
  const container = proxy.deployment.spec?.template.spec?.containers.find((c) => c.name === NAMES.proxy);
  const argv = [...(container?.command ?? []), ...(container?.args ?? [])].join(' ');
  if (isFirstDeploy || config.proxy.kind === 'envoy') {
    steps.push(
      manifest(`Apply ConfigMap ${ns}/${NAMES.envoyConfigMap} (the proxy's config)`, proxy.configMap),
    );
  }
  if (isFirstDeploy) {
    steps.push(manifest(`Apply Service ${ns}/${NAMES.proxy}`, proxy.service));
    steps.push(manifest(`Apply Deployment ${ns}/${NAMES.proxy} (${row.name})`, proxy.deployment));
  } else {
    steps.push(
      action(
        `Replace Deployment ${ns}/${NAMES.proxy}: ${NAMES.policyEnv}=${row.policy}, args \`${argv}\`, annotation ${NAMES.deploymentAnnotation}: ${deploymentId}`,
      ),
    );
  }
  steps.push(
    action(`Wait until the ${NAMES.proxy} pod annotated ${deploymentId} is Ready and no other is left`),
    action(`Port-forward 127.0.0.1:<free> → ${NAMES.proxy} pod :${ADMIN_PORT} (admin only: /clusters)`),
    action(`Wait until /clusters lists exactly the Ready ${NAMES.app} pod IPs`),
    ...planLoad(
      { config, scenario, runIndex, deploymentId, images },
      getProxyServiceUrl(config),
      'the proxy Service',
    ),
    action(
      'Just before the common start: /clusters snapshot; then wait until every generator pod Succeeded, read each report from its log, merge them exactly (summed counts and tallies, added HDR histograms), delete the Job',
    ),
    ...scenario.events.map((event) => action(describeEvent(event))),
    action('Close the port-forward'),
  );
  return steps;
}

/** A HAProxy or nginx row's run: its manifests on the row's first run, a line on a repetition; then its load. */
function planOtherProxy(run: PlannedRun, row: OtherProxyRow): PlanStep[] {
  const { config, scenario, runIndex, deploymentId } = run;
  const ns = config.namespace;
  const manifests = renderOtherProxy(config, { row, deploymentId });
  const name = manifests.deployment.metadata?.name ?? '';
  const image = OTHER_PROXY_IMAGES[row.proxy];
  const isRowStart = runIndex % scenario.repetitions === 0;
  const isHaproxy = row.proxy === 'haproxy';
  const configFile = isHaproxy ? 'haproxy.cfg' : 'nginx.conf and discover.sh, its discovery loop';
  const rollout: PlanStep[] = isRowStart
    ? [
        manifest(`Apply ConfigMap ${ns}/${name} (${configFile})`, manifests.configMap),
        manifest(`Apply Service ${ns}/${name}`, manifests.service),
        manifest(`Apply Deployment ${ns}/${name} (${row.name}, image ${image})`, manifests.deployment),
      ]
    : [action(`Replace Deployment ${ns}/${name}: annotation ${NAMES.deploymentAnnotation}: ${deploymentId}`)];
  const counting: PlanStep[] = isHaproxy
    ? [
        action(`Port-forward 127.0.0.1:<free> → ${name} pod :${OTHER_PROXY_PORTS.stats} (stats only)`),
        action(
          `Wait until the stats CSV (/stats;csv) lists exactly the Ready ${NAMES.app} pod IPs in its slots`,
        ),
      ]
    : [
        action(
          `The pod resolves ${NAMES.app}.${ns}.svc.${config.clusterDomain} every ${config.dns.dnsRefreshRateMs} ms and reloads nginx when the pods change; per-pod counts are the X-Upstream-Pod tally`,
        ),
        action(
          `Wait until the ${name} pod's log (its newest ${NGINX_DISCOVERY_LOG_PREFIX}/${NGINX_RELOAD_LOG_PREFIX} line) lists exactly the Ready ${NAMES.app} pod IPs`,
        ),
      ];
  const url = getOtherProxyServiceUrl(manifests, config);
  return [
    ...rollout,
    action(`Wait until the ${name} pod annotated ${deploymentId} is Ready and no other is left`),
    ...counting,
    ...planLoad(run, url, `the ${row.proxy} Service`),
    action(
      isHaproxy
        ? 'Stats snapshots every second; wait until every generator pod Succeeded, merge their reports exactly, delete the Job; per-pod counts from the stats CSV, cross-checked with the X-Upstream-Pod tally'
        : `Wait until every generator pod Succeeded, merge their reports exactly, delete the Job; read the ${NGINX_RELOAD_LOG_PREFIX} lines of the ${name} pod's log into the run's configReloads`,
    ),
    ...scenario.events.map((event) => action(describeEvent(event))),
    ...(isHaproxy ? [action('Close the port-forward')] : []),
  ];
}

/** What a run's plan needs. */
interface PlannedRun {
  readonly config: KubeDeployConfig;
  readonly scenario: Scenario;
  readonly runIndex: number;
  readonly deploymentId: string;
  readonly images: ClusterAccess['images'];
}

/** The load Job of a run against `url`: its manifest on the first run, a line after. */
function planLoad(run: PlannedRun, url: string, target: string): PlanStep[] {
  const { config, scenario, runIndex, deploymentId, images } = run;
  const ns = config.namespace;
  const jobName = `lbbench-load-${deploymentId}`;
  const job = renderLoadJob({
    name: jobName,
    namespace: ns,
    image: images.lbbench,
    url,
    load: scenario.load,
    podHeader: POD_HEADER.toLowerCase(),
    startAtMs: 0,
    keyDraw:
      scenario.load.keys === undefined
        ? undefined
        : {
            // src/run hands run n (from 0) the seed `scenario.seed + n`.
            runSeed: scenario.seed + runIndex,
            periodBoundariesMs: listKeyPeriodBoundariesMs(scenario.events),
          },
  });
  const args = job.spec?.template.spec?.containers[0]?.args ?? [];
  // Known only when the Job is created: the common start time of every generator.
  args[args.indexOf('--start-at') + 1] = '<epoch ms: creation + lead + warm-up>';
  return [
    runIndex === 0
      ? {
          kind: 'manifest',
          title: `Create Job ${ns}/${jobName}: the measured load, ${scenario.load.generators} generator pod(s) in the cluster against ${target} (${url}; --start-at: now + lead + warm-up)`,
          action: 'apply',
          yaml: toPlanYaml(job),
        }
      : action(
          `Create Job ${ns}/${jobName} like the first (parallelism: ${scenario.load.generators}) against ${target} (${url})`,
        ),
  ];
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
    ...(hasClusterIpRow(scenario)
      ? [
          manifest(
            `Apply Service ${ns}/${NAMES.clusterIpService} (ClusterIP, the same pods: the CLUSTER_IP row's kube-proxy path)`,
            app.clusterIpService,
          ),
        ]
      : []),
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
