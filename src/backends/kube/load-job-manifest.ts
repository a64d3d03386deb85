import type { V1Job } from '@kubernetes/client-node';
import { buildGeneratorArgs, type KeyDraw } from '../../load/generator-args.js';
import type { LoadSpec } from '../../scenario/types.js';
import { GENERATOR_ENTRY } from './lbbench-image.js';
import type { Plain } from './manifest-types.js';
import { NAMES } from './render-manifests.js';

/** A Job manifest. */
export type JobManifest = Plain<V1Job>;

/** The label of the generator pods, which their anti-affinity and the harness select on. */
export const LOAD_APP_LABEL = 'lbbench-load';
/** The generator's container, whose log holds its report. */
export const GENERATOR_CONTAINER = 'generator';
/** The Indexed Job's index of a pod (the Job controller sets it; declared so that `$(…)` may use it). */
const INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** What one measured window's Job needs. */
export interface LoadJobValues {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  /** The proxy Service's in-cluster address, e.g. `http://myapp-envoy.lbbench.svc.cluster.local:80`. */
  readonly url: string;
  readonly load: LoadSpec;
  readonly podHeader: string;
  /** Epoch ms at which every generator starts measuring. */
  readonly startAtMs: number;
  /** With `load.keys`: the run's seed and the key tally's periods. */
  readonly keyDraw?: KeyDraw | undefined;
}

/**
 * The Job that drives a measured window inside the cluster: `load.generators` pods (parallelism = completions,
 * Indexed so each knows its share), spread over the nodes where possible (preferred pod anti-affinity), each
 * running the lbbench image's load generator against the proxy Service and printing its report.
 */
export function renderLoadJob(values: LoadJobValues): JobManifest {
  const count = values.load.generators;
  const args = buildGeneratorArgs({
    url: values.url,
    load: values.load,
    headers: {},
    podHeader: values.podHeader,
    generatorIndex: 0,
    generatorCount: count,
    startAtMs: values.startAtMs,
    outputPath: undefined,
    keyDraw: values.keyDraw,
  });
  const indexAt = args.indexOf('--generator-index');
  if (indexAt !== -1) args[indexAt + 1] = `$(${INDEX_ENV})`;
  else args.push('--generator-index', `$(${INDEX_ENV})`);
  const labels = { app: LOAD_APP_LABEL, [NAMES.managedByLabel]: NAMES.managedByValue };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: values.name, namespace: values.namespace, labels },
    spec: {
      parallelism: count,
      completions: count,
      completionMode: 'Indexed',
      // A generator that fails is a failed measurement, not something to run again later.
      backoffLimit: 0,
      template: {
        metadata: { labels: { ...labels, 'lbbench.dev/load-job': values.name } },
        spec: {
          restartPolicy: 'Never',
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: 'kubernetes.io/hostname',
                    labelSelector: { matchLabels: { 'lbbench.dev/load-job': values.name } },
                  },
                },
              ],
            },
          },
          containers: [
            {
              name: GENERATOR_CONTAINER,
              image: values.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['node', GENERATOR_ENTRY],
              args,
              env: [
                {
                  name: INDEX_ENV,
                  valueFrom: {
                    fieldRef: {
                      fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
                    },
                  },
                },
              ],
            },
          ],
        },
      },
    },
  };
}
