import { UsageError } from '../../errors.js';
import type { Scenario } from '../../scenario/types.js';

/**
 * Refuses, before any cluster is touched, a scenario field that the kind or kube backend cannot honour: a run
 * that silently drops a field would report numbers for a scenario that never ran.
 * @throws UsageError (exit 2) naming the field, its value and the backend.
 */
export function refuseUnhonouredFields(scenario: Scenario, backend: 'kind' | 'kube'): void {
  const file = scenario.sourcePath || 'the scenario';
  const refuse = (field: string, value: string, why: string): never => {
    throw new UsageError(`${file}: ${field} (${value}) cannot be honoured on the ${backend} backend: ${why}`);
  };
  if (scenario.proxy.command !== undefined) {
    refuse(
      'proxy.command',
      scenario.proxy.command.join(' '),
      `it runs a local program, and the ${backend} backend runs an image (proxy.image, or proxy.kind: envoy). Remove it, or use --backend local.`,
    );
  }
  const delays = scenario.upstream.delayMs > 0 || scenario.upstream.pods.length > 0;
  const slows = scenario.events.some((event) => event.action === 'slow');
  if (scenario.upstream.server === 'nginx' && (delays || slows)) {
    refuse(
      'upstream.server',
      'nginx',
      "nginx:1.10 cannot delay responses, and the scenario delays pods (upstream.delay, upstream.pods or a slow event). Use upstream.server: auto or node: the pods then run the lbbench image's pod server.",
    );
  }
  if (backend === 'kube' && scenario.kube.image === undefined) {
    refuse(
      'kube.image',
      'not set',
      `the load generators run in the cluster as a Job, from the lbbench image (also the pod server for delayed pods). Build it with \`docker build -t REGISTRY/lbbench:TAG -f cluster/lbbench-image/Dockerfile .\` in the lbbench package, push it, and pass --lbbench-image REGISTRY/lbbench:TAG (or set kube.image). Or use --backend kind, which builds and loads it itself.`,
    );
  }
}
